{{- /* gen's search-index.js: every page, its first 4096 bytes of text
  with spaces folded. */ -}}
/* Search index: public pages only. */
window.KAKEHASHI_SEARCH = [
{{- range $i, $p := site.Pages -}}
{{- if $i }},{{ end -}}
{{- dict "t" .Title "u" .RelPermalink "d" .Description "date" (cond .Date.IsZero "" (.Date.Format "2006-01-02")) "x" (substr (replaceRE `\s+` " " .Plain) 0 4096) | jsonify -}}
{{- end -}}
];

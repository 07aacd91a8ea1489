/*
 * board: what the board program's files share: who may do what, the
 * topic as it is loaded, and small helpers for pages and mails.  The
 * handlers themselves are in topics.c (the board, topics, settings),
 * posts.c (posting, one's own posts, the relay form), moderate.c (the
 * queue, decisions, the digest), export.c (CSV, the page to publish,
 * Markdown), stats.c (the effect analysis) and feedback.c (the feedback
 * box); board.c has the routes.
 */
#ifndef KK_BOARD_H
#define KK_BOARD_H

#include <jansson.h>

#include <sqlite3.h>

#include "app.h"

struct buf;

/* Who may do what. */
#define BOARD_POSTERS	(ROLE_BIT(ROLE_MUNICIPALITY) | \
			 ROLE_BIT(ROLE_PREFECTURE))
#define BOARD_MODERATORS (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_MODERATOR))
#define BOARD_ADMINS	ROLE_BIT(ROLE_ADMIN)
/* Export and publish a topic's approved posts. */
#define BOARD_EXPORTERS	(ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_OPERATOR) | \
			 ROLE_BIT(ROLE_MODERATOR))
/* The feedback box's items and the effect analysis. */
#define BOARD_STAFF	ROLES_STAFF

/* A post others may see: approved, or waiting in a topic that was under
 * post-moderation when it was posted.  For SQL on board_post AS p. */
#define VISIBLE_SQL	"(p.state = 'approved' OR (p.state = 'pending' " \
			"AND p.premod = 0))"

#define BOARD_TITLE	"「小ネタ」スペース"

/* Limits, in characters. */
#define TOPIC_TITLE_MAX		100
#define TOPIC_DESC_MAX		2000
#define POST_MAX_CHARS		2000	/* a topic's max_chars at most */
#define POST_MIN_CHARS		50
#define NAME_MAX_CHARS		50
#define DEPT_MAX_CHARS		100
#define REASON_MAX_CHARS	500
#define MESSAGE_MAX_CHARS	1000

struct topic {
	long long	 id;
	char		*title;
	char		*description;
	char		*opens_on;	/* YYYY-MM-DD or "" */
	char		*closes_on;
	char		*state;		/* draft, open, closed */
	char		*email_mode;	/* required, optional, hidden */
	char		*moderation;	/* pre, post */
	long long	 max_chars;
	long long	 created;
	int		 open_now;	/* takes posts today */
};

/* The columns topic_read() reads, of board_topic AS t. */
#define TOPIC_COLS	"t.id, t.title, t.description, t.opens_on, " \
			"t.closes_on, t.state, t.email_mode, t.moderation, " \
			"t.max_chars, t.created"
/* A topic from the row of `st` whose columns from `col` on are
 * TOPIC_COLS. */
void		 topic_read(struct req *, sqlite3_stmt *, int col,
		    struct topic *);
/* Topic `id`: 1 found, 0 not, -1 error.  Release it either way. */
int		 topic_load(struct req *, long long id, struct topic *);
void		 topic_release(struct topic *);
/* The topic for a page: its fields, description as HTML, labels. */
json_t		*topic_json(struct req *, const struct topic *);
/* 1 when `role` may see the topic at all (drafts: administrators). */
int		 topic_visible_to(const struct topic *, const struct account *);

/* The columns board_post_json() reads, of board_post AS p. */
/* The number of them. */
#define POST_NCOLS	19
#define POST_COLS	"p.id, p.topic_id, p.account_id, p.org, " \
			"p.prefecture, p.poster_name, p.department, p.email, " \
			"p.body, p.state, p.premod, p.created, " \
			"p.moderated_at, p.moderated_by, p.reason, p.edited, " \
			"p.hidden_at, p.hidden_by, p.decision"
/* A post for a page, from columns POST_COLS at `col`: who, when, its
 * text as HTML, its state and labels, the e-mail address when the
 * topic's `email_mode` shows it, and what this request's account may
 * do with it (is_own, can_withdraw, can_contact). */
json_t		*board_post_json(struct req *, sqlite3_stmt *, int col,
		    const char *email_mode);

/* Today in Japan, YYYY-MM-DD. */
void		 board_today(long long now, char out[11]);
/* "2026-04-01 09:05" in Japan's time; "" for 0. */
json_t		*board_time(long long t);
void		 board_time_buf(struct buf *, long long t);
/* A duration in Japanese: "45分", "3時間12分", "2日5時間". */
void		 board_duration(struct buf *, long long seconds);
json_t		*board_duration_json(long long seconds);
/* Typed text as HTML (ptext.h), as a JSON string for {{{...}}}. */
json_t		*board_html(const char *text);
/* "北海道 札幌市", or the name alone. */
void		 board_org(struct buf *, const char *prefecture,
		    const char *org);
json_t		*board_org_json(const char *prefecture, const char *org);
/* resp_page() with what every board page's menu needs. */
int		 board_page(struct req *, int status, const char *name,
		    const char *title, json_t *data);
/* Add a problem found after fields_validate() to the form's JSON
 * (app_form_json()): beside the field and in the list above the form. */
void		 board_form_error(json_t *form, const char *field,
		    const char *message);
/* A count for {{#count}}...{{/count}}: the number, or false for 0 (the
 * templates' sections take any number as true). */
json_t		*board_count(long long);
/* The number of a field that passed, else 0. */
long long	 board_num(const struct fields *, const char *name);
/* Breadcrumbs: the home page, the members area, the board (unless
 * `title` is the board's), then, when `mid` is not NULL, a page between
 * (at mid_url), then this page. */
json_t		*board_crumbs(struct req *, const char *mid,
		    const char *mid_url, const char *title);
/* The length of UTF-8 text in characters. */
size_t		 board_chars(const char *);
/* An audit event of this request's account: subject "post:12" etc. */
int		 board_audit(struct req *, const char *event,
		    const char *subject, const char *detail);
/* The site's address plus `path` ("app/board/mine"), for mails. */
void		 board_url(struct buf *, const struct req *, const char *path);
/* The subject of a mail: "【SITE】text". */
void		 board_subject(struct buf *, const struct conf *,
		    const char *text);
/* The address a post's author is reached at: the post's own, else the
 * account's.  Appended; 0, or -1 when there is none. */
int		 board_author_addr(struct req *, long long post_id,
		    struct buf *out);
/* The row of board_setting.  0 or -1. */
int		 board_settings(struct req *, char moderation[8],
		    long long *posts_per_hour);

/* Handlers, by file. */
int	board_index(struct req *);
int	topic_page(struct req *);
/* The topic's page; `form` (taken; NULL for an empty form) is the form
 * as sent, `message` a sentence above it (a refusal). */
int	topic_render(struct req *, const struct topic *, int status,
	    json_t *form, const char *message);
int	topics_admin(struct req *);
int	topic_edit_form(struct req *);
int	topic_edit_post(struct req *);
int	topic_state_post(struct req *);
int	settings_form(struct req *);
int	settings_post(struct req *);

int	post_post(struct req *);
int	mine_page(struct req *);
int	withdraw_post(struct req *);
int	contact_form(struct req *);
int	contact_post(struct req *);

int	queue_page(struct req *);
int	review_page(struct req *);
int	approve_post(struct req *);
int	reject_post(struct req *);
int	edit_post(struct req *);
int	hide_post(struct req *);
int	board_digest(struct app *, int argc, char **argv);

int	export_topic(struct req *);
int	publish_page(struct req *);

int	stats_page(struct req *);

int	feedback_form(struct req *);
int	feedback_post(struct req *);
int	feedback_list(struct req *);
int	feedback_item(struct req *);
int	feedback_state_post(struct req *);
int	feedback_reply_post(struct req *);
int	feedback_export(struct req *);

#endif

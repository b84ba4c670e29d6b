/* tui/prompt.c - the one-line prompt of the status line (search, export
 * path, overwrite confirmation): line editing here, the meaning with its
 * owner, which passes a done (and optionally an edit) callback. */
#include "tui_int.h"

#include <curses.h>
#include <string.h>

void kdl_prompt_start(struct kdl_tui *t, enum kdl_prompt p, const char *title, const char *init,
		      void (*done)(struct kdl_tui *t, bool accept), void (*edit)(struct kdl_tui *t))
{
	t->prompt = p;
	t->pdone = done;
	t->pedit = edit;
	snprintf(t->ptitle, sizeof(t->ptitle), "%s", title);
	snprintf(t->pbuf, sizeof(t->pbuf), "%s", init ? init : "");
	t->plen = strlen(t->pbuf);
	t->status[0] = 0;
}

static void done(struct kdl_tui *t, bool accept)
{
	void (*cb)(struct kdl_tui *t, bool accept) = t->pdone;
	t->prompt = KDL_PR_NONE;
	t->pdone = NULL;
	t->pedit = NULL;
	if (cb)
		cb(t, accept);
}

void kdl_prompt_key(struct kdl_tui *t, int key)
{
	if (key == 27) {
		done(t, false);
		return;
	}
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		done(t, true);
		return;
	}
	if (t->prompt == KDL_PR_CONFIRM && (key == 'y' || key == 'Y' || key == 'n' || key == 'N')) {
		t->pbuf[0] = (char)key;
		t->pbuf[1] = 0;
		done(t, true);
		return;
	}
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		/* Remove one UTF-8 character. */
		while (t->plen > 0) {
			unsigned char c = (unsigned char)t->pbuf[--t->plen];
			if ((c & 0xc0) != 0x80)
				break;
		}
		t->pbuf[t->plen] = 0;
	} else if (key == 21) { /* Ctrl-U */
		t->plen = 0;
		t->pbuf[0] = 0;
	} else if (key >= 0x20 && key < 0x100 && key != 0x7f && t->plen + 1 < sizeof(t->pbuf)) {
		t->pbuf[t->plen++] = (char)key;
		t->pbuf[t->plen] = 0;
	} else {
		return;
	}
	if (t->pedit)
		t->pedit(t);
}

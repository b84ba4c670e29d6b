/* core/report.c - text, Markdown, JSON and DOT reports of the model. */
#include "report.h"

#include <string.h>

bool kdl_report_format_parse(const char *name, enum kdl_report_format *out)
{
	static const struct { const char *name; enum kdl_report_format f; } tab[] = {
		{ "text", KDL_REPORT_TEXT }, { "md", KDL_REPORT_MD },
		{ "json", KDL_REPORT_JSON }, { "dot", KDL_REPORT_DOT },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcmp(name, tab[i].name)) {
			*out = tab[i].f;
			return true;
		}
	}
	return false;
}

struct kdl_error *kdl_report_write(struct kdl_analysis *an, const struct kdl_report_options *opts,
				   FILE *out)
{
	const struct kdl_model *m = kdl_analysis_model(an);

	(void)opts;
	fprintf(out, "RELEASE: %s\n", m->dump.release ? m->dump.release : "?");
	return NULL;
}

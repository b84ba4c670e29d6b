/* core/analysis.c - open a dump, read tasks, unwind, analyse locks, build the
 * model. (Skeleton: filled in step by step.) */
#include "analysis.h"

#include <stdlib.h>

struct kdl_analysis {
	struct kdl_model *model;
};

struct kdl_error *kdl_analysis_open(const char *path_a, const char *path_b,
				    const struct kdl_open_options *opts,
				    struct kdl_analysis **out)
{
	(void)opts;
	(void)out;
	return kdl_error_create(KDL_ERR_INPUT, "%s, %s: dump reading not implemented yet",
				path_a, path_b);
}

const struct kdl_model *kdl_analysis_model(const struct kdl_analysis *an)
{
	return an->model;
}

struct kdl_error *kdl_analysis_task_frames(struct kdl_analysis *an, size_t idx)
{
	(void)an;
	(void)idx;
	return NULL;
}

struct kdl_error *kdl_analysis_resolve_lines(struct kdl_analysis *an, int task, int cpu)
{
	(void)an;
	(void)task;
	(void)cpu;
	return NULL;
}

void kdl_analysis_destroy(struct kdl_analysis *an)
{
	if (!an)
		return;
	kdl_model_destroy(an->model);
	free(an);
}

/* core/base/model.h - the finished analysis of one dump: the only thing that the
 * reports (core/report) and the TUI (tui/) read.
 *
 * The model is plain data in arrays; items refer to each other by index into
 * those arrays (never by pointer), so the arrays may grow. Index -1 means "none".
 * The model only grows: once an item is published its fields do not change,
 * except those documented as lazily filled (frames), which go from "not computed"
 * to "computed" exactly once through the core function that computes them.
 *
 * Ownership: the model owns every string and array reachable from it; all of it
 * is freed by kdl_model_destroy(). Strings that came from the dump are already
 * length-bounded and sanitised (no control characters, valid UTF-8 or escaped as
 * \xNN), so they can be printed as they are.
 */
#ifndef KDL_MODEL_H
#define KDL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Execution context of a frame, of a CPU, or of a graph node. */
enum kdl_ctx {
	KDL_CTX_TASK = 0,  /* process context */
	KDL_CTX_IRQ,       /* hard interrupt */
	KDL_CTX_SOFTIRQ,   /* softirq / bottom half */
	KDL_CTX_NMI,
	KDL_CTX_EXCEPTION, /* #DF, #DB, #MC ... stacks */
	KDL_CTX_USER,      /* user-mode entry (end of a kernel trace) */
};

struct kdl_frame {
	uint64_t pc;
	uint64_t sp;
	const char *function; /* NULL when the pc has no symbol */
	uint64_t offset;      /* pc - symbol start */
	const char *module;   /* NULL for vmlinux */
	const char *file;     /* NULL when unknown or not yet resolved */
	int line;             /* 0 when unknown */
	enum kdl_ctx context;
	bool reliable;        /* false for stack-scan guesses */
	bool inlined;         /* an inlined caller, shares pc with the next frame */
};

/* A function inlined at a frame's pc (not a frame of its own): its name and the
 * file:line inside it. Filled on demand (kdl_analysis_frame_inlines(), the
 * report's frame_inlines callback); the strings belong to whoever filled it. */
struct kdl_inline {
	const char *function;
	const char *file;
	int line;
};

/* Lock/resource kinds; names as in the JSON contract. */
enum kdl_lock_kind {
	KDL_LOCK_MUTEX = 0,
	KDL_LOCK_RWSEM,
	KDL_LOCK_SEMAPHORE,
	KDL_LOCK_RT_MUTEX,
	KDL_LOCK_SPINLOCK,
	KDL_LOCK_RWLOCK,
	KDL_LOCK_PERCPU_RWSEM,
	KDL_LOCK_COMPLETION,
	KDL_LOCK_WORK,
	KDL_LOCK_WAITQUEUE,
	KDL_LOCK_OTHER,
};

enum kdl_mode { KDL_MODE_EXCLUSIVE = 0, KDL_MODE_READ, KDL_MODE_WRITE };

enum kdl_confidence { KDL_CONF_CERTAIN = 0, KDL_CONF_INFERRED, KDL_CONF_STALE };

/* Data quality of an item read from the dump. */
enum kdl_quality {
	KDL_Q_OK = 0,
	KDL_Q_PARTIAL,    /* some fields unreadable, marked unknown */
	KDL_Q_UNREADABLE, /* the item could not be read at all */
	KDL_Q_UNRELIABLE, /* read, but inconsistent (e.g. stack scan) */
};

/* One execution context that can wait or hold: a task, or an irq/softirq
 * running on top of that task on its CPU. */
struct kdl_ctxref {
	int task;          /* index into model.tasks */
	enum kdl_ctx ctx;  /* KDL_CTX_TASK for the task itself */
};

struct kdl_owner {
	struct kdl_ctxref who;   /* who.task may be -1 when the owner task is gone */
	uint64_t task_addr;      /* task_struct address recorded by the lock */
	int pid;                 /* -1 when unknown */
	char comm[68];           /* sanitised; "" when unknown */
	enum kdl_mode mode;
	enum kdl_confidence confidence;
	bool alive;              /* false: exited, freed or reused task_struct */
	const char *why;         /* how it was found / inferred (static string) */
};

struct kdl_waiter {
	struct kdl_ctxref who;
	enum kdl_mode mode;
};

/* A resource that somebody waits on or is known to hold. */
struct kdl_lock {
	uint64_t address;
	enum kdl_lock_kind kind;
	char *name;        /* display name, e.g. "mm_struct.mmap_lock @0x... of a.out[123]" */
	/* parts of the name, each NULL when not applicable */
	char *symbol;      /* global or module symbol containing it */
	char *cache;       /* slab cache of the containing object */
	char *type;        /* struct type of the containing object */
	char *member;      /* member path inside that object/symbol */
	uint64_t object;   /* start of the containing object or symbol; 0 if none */
	uint64_t offset;   /* address - object */
	int percpu_cpu;    /* CPU of a per-CPU variable, else -1 */
	int stack_pid;     /* the lock lives on this pid's stack, else -1 */
	struct kdl_owner *owners;
	size_t nowners;
	int readers;       /* reader count for rw locks, -1 when unknown/n.a. */
	struct kdl_waiter *waiters;
	size_t nwaiters;
	enum kdl_quality quality;
};

/* Cycle classes and finding kinds share names with the JSON contract. */
enum kdl_finding_kind {
	KDL_F_DEADLOCK = 0,
	KDL_F_RW_DEADLOCK,
	KDL_F_SELF_DEADLOCK,
	KDL_F_IRQ_SELF_DEADLOCK,
	KDL_F_FLUSH_DEADLOCK,
	KDL_F_ORPHANED_LOCK,
	KDL_F_CONVOY,
	KDL_F_LOST_WAKEUP,
	KDL_F_SPINNING,
	KDL_F_OTHER,
};

enum kdl_severity { KDL_SEV_CRITICAL = 0, KDL_SEV_HIGH, KDL_SEV_MEDIUM, KDL_SEV_LOW };

struct kdl_cycle {
	struct kdl_ctxref *nodes; /* contexts in cycle order; node i waits on locks[i],
	                             which is held by node (i+1) % n */
	int *locks;               /* indices into model.locks */
	size_t n;
	enum kdl_finding_kind cls; /* deadlock, rw_deadlock, self_deadlock, ... */
};

struct kdl_finding {
	enum kdl_finding_kind kind;
	enum kdl_severity severity;
	int *tasks;       /* tasks in it and those blocked behind it, sorted by pid */
	size_t ntasks;
	int *locks;
	size_t nlocks;
	int cycle;        /* index into model.cycles, or -1 */
	char *summary;    /* a paragraph in plain words */
	enum kdl_confidence confidence; /* of the holder edges it rests on: certain when
	                                   every one was read from the kernel's records */
	bool deadlock;    /* set by core/graph: a cycle none of whose tasks can go on
	                     (the class --fail-on deadlock matches); the front-ends
	                     read it instead of deciding it from `kind` */
};

/* What a task waits on when it is not a lock in locks[] (I/O, sleep, ...). */
struct kdl_other_wait {
	char *kind;   /* e.g. "sleep", "io", "page_lock", "futex", "other" */
	char *label;  /* e.g. the blocking frame "msleep" */
};

struct kdl_task {
	uint64_t addr;          /* task_struct address */
	int pid, tgid, ppid;
	char comm[68];          /* sanitised */
	char state[3];          /* crash letters: RU IN UN ID ZO DE ST TR WA PA NE; "??" */
	uint32_t state_raw;     /* __state (or state) as read */
	uint32_t exit_state;
	bool rtlock_wait;       /* TASK_RTLOCK_WAIT, shown as UN */
	bool kthread;
	int cpu;                /* task's CPU (thread_info.cpu or task->cpu), -1 unknown */
	bool on_cpu;            /* current on its CPU at dump time */
	int64_t blocked_for_ns; /* -1 when unknown or not blocked */
	uint64_t stack_base;    /* task->stack, 0 when unknown */
	uint64_t mm;            /* task->mm (0 for kthreads) */
	bool involved;          /* blocked, on-CPU, or part of the lock analysis */
	enum kdl_quality quality;

	/* Backtrace; computed lazily by kdl_analysis_task_frames() (core/analysis.h)
	 * unless frames_done is already true. */
	bool frames_done;
	struct kdl_frame *frames;
	size_t nframes;
	enum kdl_quality frames_quality;

	/* Lock analysis */
	int waits_on;                  /* index into locks, or -1 */
	enum kdl_mode wait_mode;
	const char *waits_how;         /* evidence used (static string), or NULL */
	struct kdl_other_wait other;   /* kind == NULL when none */
	int *holds;                    /* indices into locks */
	size_t nholds;
};

struct kdl_cpu {
	int cpu;
	int task;                /* index of the current task, -1 unknown */
	int pid;                 /* pid of current, -1 unknown */
	enum kdl_ctx context;    /* what the CPU was running at dump time */
	int spinning_on;         /* index into locks, or -1 */
	struct kdl_frame *frames; /* the CPU's trace from its saved registers */
	size_t nframes;
	bool regs_valid;
};

struct kdl_dump_info {
	char *release;        /* OSRELEASE */
	char *version;        /* UTS version string, may be NULL */
	char *hostname;       /* UTS nodename, may be NULL */
	char *machine;        /* "x86_64" */
	char *format;         /* "elf", "kdump", "kdump-flattened", ... */
	char *panic;          /* panic string or NULL */
	int64_t crash_time;   /* seconds since the epoch, -1 unknown */
	uint64_t kaslr_offset;
	int cpus;
	size_t task_count;
	bool has_vmcoreinfo;
	bool partial;         /* some parts of the dump were unreadable (exit 5) */
	char *partial_why;    /* what was unreadable, "; "-separated, or NULL */
	char *debuginfo;      /* the type source used: "dwarf" or "btf" (NULL: unknown) */
	char *debuginfo_from; /* where it came from: the vmlinux path, or "dump" */
	char *debuginfo_missing; /* what that source cannot give ("no line numbers: BTF"),
				  * or NULL */
	char *symbols_from;   /* symbols not from a vmlinux: "kallsyms" or a System.map
			       * path; NULL: the vmlinux's */
};

struct kdl_model {
	struct kdl_dump_info dump;
	struct kdl_task *tasks;   size_t ntasks;   /* sorted by pid */
	struct kdl_cpu *cpus;     size_t ncpus;    /* sorted by cpu */
	struct kdl_lock *locks;   size_t nlocks;
	struct kdl_cycle *cycles; size_t ncycles;
	struct kdl_finding *findings; size_t nfindings; /* most severe first */
	char *log;                /* kernel log text (sanitised), may be NULL */
	size_t log_len;
};

/* Names as used in the JSON contract and reports (static strings). */
const char *kdl_ctx_name(enum kdl_ctx ctx);
const char *kdl_lock_kind_name(enum kdl_lock_kind kind);
const char *kdl_mode_name(enum kdl_mode mode);
const char *kdl_confidence_name(enum kdl_confidence conf);
const char *kdl_finding_kind_name(enum kdl_finding_kind kind);
const char *kdl_severity_name(enum kdl_severity sev);

/* The verdict of a model in numbers, as the front-ends word it (the TUI's
 * second line, the HTML page): hung = tasks in UN or RTLOCK_WAIT; deadlocks =
 * findings with .deadlock (decided by core/graph); the rest by finding kind. */
struct kdl_verdict {
	size_t deadlocks, hung, orphaned, convoys, lost_wakeups, spinning, other;
};
void kdl_model_verdict(const struct kdl_model *m, struct kdl_verdict *v);

/* Index of the task with this pid (binary search), or -1. */
int kdl_model_task_by_pid(const struct kdl_model *m, int pid);
/* Index of the lock at this address, or -1. */
int kdl_model_lock_by_addr(const struct kdl_model *m, uint64_t addr);

/* Free everything the model owns, and the model. Accepts NULL. */
void kdl_model_destroy(struct kdl_model *m);

#endif

/* core/unwind/unwind.c - x86_64 kernel stack unwinding: ORC, frame pointers, stack scan.
 *
 * The ORC step follows the kernel's own algorithm (arch/x86/kernel/unwind_orc.c):
 * find the entry for ip (ip - 1 for a return address), compute the caller's sp
 * from sp/bp/an indirect slot/a register saved in pt_regs, then read a return
 * address (CALL), a full pt_regs (REGS) or an iret frame (REGS_PARTIAL). The
 * frame-pointer step follows unwind_frame.c: a frame record {prev bp, ret} and
 * entry code that encodes a pt_regs pointer as bp | 1. Every read goes through
 * the stack classifier: it must lie on a known stack, and a stack once left is
 * never re-entered, so a corrupt stack ends the walk instead of looping.
 */
#include "core/unwind/unwind.h"

#include <stdlib.h>
#include <string.h>

#include "core/unwind/orc.h"
#include "core/unwind/unwind_priv.h"

#define PT_REGS_WORDS 21
#define IRET_FRAME_OFFSET (16 * 8) /* offsetof(struct pt_regs, ip) */
#define IRET_FRAME_WORDS 5          /* ip, cs, flags, sp, ss */
#define REG_BP 4
#define REG_R10 7
#define REG_DX 12
#define REG_DI 14
#define REG_R13 2
#define MAX_LEFT 16
#define SCAN_MAX_WORDS 8192
#define SCAN_MAX_REGIONS 4

_Static_assert(sizeof(struct kdl_regs) == PT_REGS_WORDS * 8, "kdl_regs is pt_regs");

struct kdl_unwinder {
	struct kdl_target *t;
	kdl_unwind_symbol_fn symbol_at;
	void *symbol_arg;
	struct kdl_orc *orc;      /* NULL: frame pointers only */
	uint64_t itf_bp, itf_ret, itf_size;
	uint64_t ret_from_fork;
	uint64_t pt_regs_size;
	kdl_stack_classify_fn classify;
	void *classify_arg;
	/* vmlinux .text from the ELF file, for call-site checks when the dump
	 * lacks the page */
	const uint8_t *text;
	size_t text_size;
	uint64_t text_addr;       /* runtime */
};

enum step { STEP_OK, STEP_END, STEP_ERR };

struct ustate {
	struct kdl_unwinder *u;
	int cpu;
	uint64_t ip, sp, bp;
	bool signal;
	/* The last pt_regs crossed (or the starting registers). */
	bool regs_valid, full_regs, prev_valid;
	struct kdl_regs regs, prev;
	bool regs_step;     /* the last step crossed a pt_regs */
	/* Frame-pointer mode: address of the current frame record {bp, ret};
	 * 0 when the current frame came from registers. */
	uint64_t rec;
	bool last_task_frame;
	bool fp_checked;    /* the register frame's prologue was looked at */
	/* Stacks */
	struct kdl_stack_region cur;
	bool have_cur;
	uint64_t task_base; /* the task stack seen, 0 before */
	uint64_t left[MAX_LEFT];
	size_t nleft;
	bool error;         /* frames from now on are guesses */
	/* Output */
	struct kdl_frame *frames;
	bool *regs_frame;
	size_t n;
	bool truncated;
	bool any_unreliable;
};

/* --- stacks and reads ---------------------------------------------------- */

static bool region_has(const struct kdl_stack_region *r, uint64_t addr, uint64_t len)
{
	return addr >= r->base && addr - r->base <= r->size && len <= r->size - (addr - r->base);
}

static bool classify(struct ustate *st, uint64_t addr, struct kdl_stack_region *r)
{
	if (!st->u->classify)
		return false;
	return st->u->classify(st->u->classify_arg, st->cpu, addr, r) && r->size > 0;
}

/* May [addr, addr + len) be read? Moves the "current stack" when the access
 * is on another known stack that was not visited before. */
static bool access_ok(struct ustate *st, uint64_t addr, uint64_t len)
{
	struct kdl_stack_region r;
	size_t i;

	if (len == 0 || addr + len < addr)
		return false;
	if (st->have_cur && region_has(&st->cur, addr, len))
		return true;
	if (!classify(st, addr, &r) || !region_has(&r, addr, len))
		return false;
	for (i = 0; i < st->nleft; i++)
		if (st->left[i] == r.base)
			return false;
	/* A trace holds at most one task stack. */
	if (r.ctx == KDL_CTX_TASK) {
		if (st->task_base && st->task_base != r.base)
			return false;
		st->task_base = r.base;
	}
	if (st->have_cur) {
		if (st->nleft == MAX_LEFT)
			return false;
		st->left[st->nleft++] = st->cur.base;
	}
	st->cur = r;
	st->have_cur = true;
	return true;
}

static bool read_word(struct ustate *st, uint64_t addr, uint64_t *val)
{
	if (!access_ok(st, addr, 8))
		return false;
	return kdl_target_peek_u64(st->u->t, addr, val) != 0;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Read `words` words of pt_regs starting at word `first` from addr. */
static bool read_regs_words(struct ustate *st, uint64_t addr, size_t first, size_t words,
			    struct kdl_regs *out)
{
	uint8_t buf[PT_REGS_WORDS * 8];
	uint64_t w[PT_REGS_WORDS] = { 0 };
	struct kdl_error *err;
	size_t i;

	if (!access_ok(st, addr, words * 8))
		return false;
	err = kdl_target_read(st->u->t, addr, buf, words * 8);
	if (err) {
		kdl_error_destroy(err);
		return false;
	}
	for (i = 0; i < words; i++)
		w[first + i] = le64(buf + 8 * i);
	memcpy(out, w, sizeof(*out));
	return true;
}

static uint64_t reg_word(const struct kdl_regs *r, unsigned idx)
{
	uint64_t w[PT_REGS_WORDS];

	memcpy(w, r, sizeof(w));
	return idx < PT_REGS_WORDS ? w[idx] : 0;
}

static bool user_mode(const struct kdl_regs *r)
{
	return (r->cs & 3) != 0;
}

/* A register value from the last pt_regs, as the kernel's get_reg(). */
static bool get_reg(struct ustate *st, unsigned idx, uint64_t *val)
{
	if (!st->regs_valid)
		return false;
	if (st->full_regs) {
		*val = reg_word(&st->regs, idx);
		return true;
	}
	if (st->prev_valid) {
		*val = reg_word(&st->prev, idx);
		return true;
	}
	return false;
}

/* --- symbols and frames -------------------------------------------------- */

static bool lookup_symbol(struct kdl_unwinder *u, uint64_t addr, struct kdl_symbol *sym)
{
	memset(sym, 0, sizeof(*sym));
	return u->symbol_at(u->symbol_arg, addr, sym);
}

static bool read_code(struct kdl_unwinder *u, uint64_t addr, uint8_t *buf, size_t len)
{
	struct kdl_error *err = kdl_target_read(u->t, addr, buf, len);

	if (!err)
		return true;
	kdl_error_destroy(err);
	if (u->text && addr >= u->text_addr && addr - u->text_addr <= u->text_size &&
	    len <= u->text_size - (addr - u->text_addr)) {
		memcpy(buf, u->text + (addr - u->text_addr), len);
		return true;
	}
	return false;
}

bool kdl_unwind_is_return_address(struct kdl_unwinder *u, uint64_t ret)
{
	struct kdl_symbol sym;
	uint8_t c[8];
	/* c[8 - k] is the byte at ret - k */
#define AT(k) c[8 - (k)]

	if (ret < 8 || !lookup_symbol(u, ret - 1, &sym) || !sym.is_function ||
	    ret <= sym.addr)
		return false;
	if (!read_code(u, ret - 8, c, sizeof(c)))
		return false;
	if (AT(5) == 0xe8)                                   /* call rel32 */
		return true;
	if (AT(6) == 0xff && AT(5) == 0x15)                  /* call *disp32(%rip) */
		return true;
	if (AT(2) == 0xff && (AT(1) & 0xf8) == 0xd0)         /* call *%reg */
		return true;
	if (AT(2) == 0xff && (AT(1) & 0xf8) == 0x10 &&       /* call *(%reg) */
	    (AT(1) & 7) != 4 && (AT(1) & 7) != 5)
		return true;
	if (AT(3) == 0xff && (AT(2) & 0xf8) == 0x50 && (AT(2) & 7) != 4) /* disp8(%reg) */
		return true;
	if (AT(4) == 0xff && AT(3) == 0x54)                  /* disp8(sib) */
		return true;
	if (AT(6) == 0xff && (AT(5) & 0xf8) == 0x90 && (AT(5) & 7) != 4) /* disp32(%reg) */
		return true;
	if (AT(7) == 0xff && AT(6) == 0x94)                  /* disp32(sib) */
		return true;
	return false;
#undef AT
}

/* Context of a frame whose stack pointer is sp. */
static enum kdl_ctx frame_ctx(struct ustate *st, uint64_t sp)
{
	struct kdl_stack_region r;

	if (classify(st, sp, &r) && sp < r.base + r.size)
		return r.ctx;
	if (sp >= 8 && classify(st, sp - 8, &r))
		return r.ctx;
	if (st->n > 0)
		return st->frames[st->n - 1].context;
	return KDL_CTX_TASK;
}

/* Append a frame. `exact`: pc is the interrupted instruction itself (a
 * register or signal frame), not a return address. */
static bool emit(struct ustate *st, uint64_t pc, uint64_t sp, bool reliable, bool exact,
		 bool regs_frame, bool user)
{
	struct kdl_frame *f;
	struct kdl_symbol sym;

	if (st->n >= KDL_UNWIND_MAX_FRAMES) {
		st->truncated = true;
		return false;
	}
	f = &st->frames[st->n];
	memset(f, 0, sizeof(*f));
	f->pc = pc;
	f->sp = sp;
	f->reliable = reliable;
	if (!reliable)
		st->any_unreliable = true;
	if (user) {
		f->context = KDL_CTX_USER;
	} else {
		/* A return address may be the first byte after a noreturn call at
		 * the very end of a function: name it by pc - 1, as the kernel. */
		uint64_t look = exact || pc == 0 ? pc : pc - 1;

		if (lookup_symbol(st->u, look, &sym)) {
			f->function = sym.name;
			f->offset = pc - sym.addr;
			f->module = sym.module;
		}
		f->context = frame_ctx(st, sp);
	}
	st->regs_frame[st->n] = regs_frame;
	st->n++;
	return true;
}

/* --- ORC step ------------------------------------------------------------ */

static enum step step_orc(struct ustate *st)
{
	static const struct kdl_orc_entry null_entry = {
		.sp_offset = 8, .sp_reg = KDL_ORC_REG_SP, .bp_reg = KDL_ORC_REG_UNDEFINED,
		.type = KDL_ORC_CALL,
	};
	static const struct kdl_orc_entry fp_entry = {
		.sp_offset = 16, .sp_reg = KDL_ORC_REG_BP, .bp_offset = -16,
		.bp_reg = KDL_ORC_REG_PREV_SP, .type = KDL_ORC_CALL,
	};
	struct kdl_orc_entry orc;
	uint64_t sp, tmp, prev_sp = st->sp, prev_base = st->have_cur ? st->cur.base : 0;
	bool indirect = false;

	st->regs_step = false;
	if (st->ip == 0) {
		orc = null_entry;
	} else if (!kdl_orc_find(st->u->orc, st->signal ? st->ip : st->ip - 1, &orc)) {
		/* No ORC (generated code, a module without tables): guess frame
		 * pointers; everything from here on is a guess. */
		orc = fp_entry;
		st->error = true;
	} else if (orc.type == KDL_ORC_UNDEFINED) {
		return STEP_ERR;
	} else if (orc.type == KDL_ORC_END_OF_STACK) {
		return STEP_END;
	}

	switch (orc.sp_reg) {
	case KDL_ORC_REG_SP:
		sp = st->sp + orc.sp_offset;
		break;
	case KDL_ORC_REG_BP:
		sp = st->bp + orc.sp_offset;
		break;
	case KDL_ORC_REG_SP_INDIRECT:
		sp = st->sp;
		indirect = true;
		break;
	case KDL_ORC_REG_BP_INDIRECT:
		sp = st->bp + orc.sp_offset;
		indirect = true;
		break;
	case KDL_ORC_REG_R10:
		if (!get_reg(st, REG_R10, &sp))
			return STEP_ERR;
		break;
	case KDL_ORC_REG_R13:
		if (!get_reg(st, REG_R13, &sp))
			return STEP_ERR;
		break;
	case KDL_ORC_REG_DI:
		if (!get_reg(st, REG_DI, &sp))
			return STEP_ERR;
		break;
	case KDL_ORC_REG_DX:
		if (!get_reg(st, REG_DX, &sp))
			return STEP_ERR;
		break;
	default:
		return STEP_ERR;
	}
	if (indirect) {
		if (!read_word(st, sp, &sp))
			return STEP_ERR;
		if (orc.sp_reg == KDL_ORC_REG_SP_INDIRECT)
			sp += orc.sp_offset;
	}

	switch (orc.type) {
	case KDL_ORC_CALL:
		if (!read_word(st, sp - 8, &tmp))
			return STEP_ERR;
		st->ip = tmp;
		st->sp = sp;
		st->regs_valid = false;
		st->prev_valid = false;
		break;
	case KDL_ORC_REGS: {
		struct kdl_regs r;

		if (!read_regs_words(st, sp, 0, PT_REGS_WORDS, &r))
			return STEP_ERR;
		st->regs = r;
		st->regs_valid = true;
		st->full_regs = true;
		st->prev_valid = false;
		st->ip = r.ip;
		st->sp = r.sp;
		st->regs_step = true;
		break;
	}
	case KDL_ORC_REGS_PARTIAL: {
		struct kdl_regs r;

		if (!read_regs_words(st, sp, PT_REGS_WORDS - IRET_FRAME_WORDS, IRET_FRAME_WORDS,
				     &r))
			return STEP_ERR;
		if (st->regs_valid && st->full_regs) {
			st->prev = st->regs;
			st->prev_valid = true;
		}
		st->regs = r;
		st->regs_valid = true;
		st->full_regs = false;
		st->ip = r.ip;
		st->sp = r.sp;
		st->regs_step = true;
		break;
	}
	default:
		return STEP_ERR;
	}

	switch (orc.bp_reg) {
	case KDL_ORC_REG_UNDEFINED:
		if (get_reg(st, REG_BP, &tmp))
			st->bp = tmp;
		break;
	case KDL_ORC_REG_PREV_SP:
		if (!read_word(st, sp + orc.bp_offset, &st->bp))
			return STEP_ERR;
		break;
	case KDL_ORC_REG_BP:
		if (!read_word(st, st->bp + orc.bp_offset, &st->bp))
			return STEP_ERR;
		break;
	default:
		return STEP_ERR;
	}

	st->signal = orc.signal;

	/* Bad data must not make us loop: on the same stack sp must grow. */
	if (st->have_cur && st->cur.base == prev_base && region_has(&st->cur, st->sp, 8) &&
	    st->sp <= prev_sp)
		return STEP_ERR;
	return STEP_OK;
}

/* --- frame-pointer step -------------------------------------------------- */

/* Where the return address of a function interrupted at ip lies when its
 * frame pointer is not (or no longer) set up: at the entry (before push
 * %rbp), between push %rbp and mov %rsp,%rbp, at the final ret, or anywhere
 * in a function without a frame (a leaf like native_safe_halt). Returns the
 * stack offset of the return address from sp, or -1 when bp is set up (or
 * nothing is known). */
static int fp_ret_offset(struct ustate *st, uint64_t ip, uint64_t sp)
{
	struct kdl_symbol sym;
	uint8_t c[24], at;
	size_t p = 0, q;
	uint64_t rel, w;
	int k;

	if (!lookup_symbol(st->u, ip, &sym) || !sym.is_function || ip < sym.addr)
		return -1;
	rel = ip - sym.addr;
	if (!read_code(st->u, sym.addr, c, sizeof(c)))
		return -1;
	for (k = 0; k < 2; k++) {
		if (p + 4 <= sizeof(c) && c[p] == 0xf3 && c[p + 1] == 0x0f && c[p + 2] == 0x1e &&
		    c[p + 3] == 0xfa)
			p += 4;         /* endbr64 */
		if (p + 5 <= sizeof(c) && c[p] == 0x0f && c[p + 1] == 0x1f && c[p + 2] == 0x44 &&
		    c[p + 3] == 0 && c[p + 4] == 0)
			p += 5;         /* the ftrace nop */
	}
	if (c[p] == 0x55) {
		for (q = p + 1; q + 3 <= sizeof(c); q++)
			if (c[q] == 0x48 && ((c[q + 1] == 0x89 && c[q + 2] == 0xe5) ||
					     (c[q + 1] == 0x8b && c[q + 2] == 0xec)))
				break;
		if (q + 3 > sizeof(c))
			return -1;
		if (rel <= p)
			return 0;   /* nothing pushed yet */
		if (rel <= q)
			return 8;   /* rbp pushed, not yet moved */
		if (read_code(st->u, ip, &at, 1) && at == 0xc3)
			return 0;   /* after pop %rbp, at ret */
		return -1;
	}
	/* No frame at all: trust [sp] only when it is a return address. */
	if (kdl_target_peek_u64(st->u->t, sp, &w) && kdl_unwind_is_return_address(st->u, w))
		return 0;
	return -1;
}

static enum step step_fp(struct ustate *st)
{
	uint64_t next_bp, ret;
	uint64_t prev_base = st->have_cur ? st->cur.base : 0, prev_rec = st->rec;

	st->regs_step = false;
	if (st->last_task_frame) {
		/* The syscall entry does not encode its pt_regs: they sit right
		 * above the last frame record. Kernel threads end here. */
		struct kdl_regs r;

		st->last_task_frame = false;
		if (!read_regs_words(st, st->rec + 16, 0, PT_REGS_WORDS, &r) || !user_mode(&r))
			return STEP_END;
		st->regs = r;
		st->regs_valid = st->full_regs = true;
		st->ip = r.ip;
		st->sp = r.sp;
		st->rec = 0;
		st->regs_step = true;
		return STEP_OK;
	}
	if (st->rec == 0 && st->regs_valid && !st->fp_checked) {
		/* An interrupted function may not have its frame set up: then
		 * its caller's return address is on the stack and regs.bp
		 * already is the caller's frame record. */
		int off = fp_ret_offset(st, st->ip, st->sp);

		st->fp_checked = true;
		if (off >= 0 && read_word(st, st->sp + off, &ret)) {
			st->ip = ret;
			st->sp += off + 8;
			st->signal = false;
			return STEP_OK;
		}
	}
	if (st->rec == 0 && st->regs_valid)
		next_bp = st->regs.bp;
	else if (!read_word(st, st->rec, &next_bp))
		return STEP_ERR;
	if (next_bp == 0)
		return STEP_END;
	if (next_bp & 1) {
		/* Entry code: bp = &pt_regs | 1 */
		struct kdl_regs r;

		if (!read_regs_words(st, next_bp & ~1ull, 0, PT_REGS_WORDS, &r))
			return STEP_ERR;
		st->regs = r;
		st->regs_valid = st->full_regs = true;
		st->prev_valid = false;
		st->ip = r.ip;
		st->sp = r.sp;
		st->bp = r.bp;
		st->rec = 0;
		st->fp_checked = false;
		st->regs_step = true;
		return STEP_OK;
	}
	if (next_bp & 7)
		return STEP_ERR;
	if (!read_word(st, next_bp + 8, &ret) || !access_ok(st, next_bp, 16))
		return STEP_ERR;
	if (prev_rec && st->cur.base == prev_base && next_bp <= prev_rec)
		return STEP_ERR;
	st->rec = next_bp;
	st->ip = ret;
	st->sp = next_bp + 16;
	st->regs_valid = false;
	st->prev_valid = false;
	st->signal = false;
	if (st->cur.ctx == KDL_CTX_TASK &&
	    st->sp + st->u->pt_regs_size == st->cur.base + st->cur.size)
		st->last_task_frame = true;
	return STEP_OK;
}

/* --- stack scan ---------------------------------------------------------- */

/* Last resort: every word from sp up that is a return address right after a
 * call, marked unreliable; follows the link at the top of IRQ stacks and the
 * iret frame at the top of exception/NMI stacks to the interrupted stack. */
static void scan(struct ustate *st, uint64_t from)
{
	struct kdl_stack_region r;
	uint64_t a = (from + 7) & ~7ull, words = 0;
	uint64_t done[SCAN_MAX_REGIONS];
	size_t nregions = 0, i;

	while (nregions < SCAN_MAX_REGIONS && classify(st, a, &r)) {
		uint64_t end = r.base + r.size, w, next = 0;

		for (i = 0; i < nregions; i++)
			if (done[i] == r.base)
				return;
		done[nregions++] = r.base;
		for (; a + 8 <= end && words < SCAN_MAX_WORDS; a += 8, words++) {
			if (!kdl_target_peek_u64(st->u->t, a, &w))
				continue;
			if (kdl_unwind_is_return_address(st->u, w) &&
			    !emit(st, w, a + 8, false, false, false, false))
				return;
		}
		if (r.ctx == KDL_CTX_TASK || end < 40)
			return;
		if (r.ctx == KDL_CTX_IRQ || r.ctx == KDL_CTX_SOFTIRQ) {
			if (!kdl_target_peek_u64(st->u->t, end - 8, &next))
				return;
		} else {
			uint64_t cs;

			if (!kdl_target_peek_u64(st->u->t, end - 32, &cs) || (cs & 3) ||
			    !kdl_target_peek_u64(st->u->t, end - 16, &next))
				return;
		}
		a = (next + 7) & ~7ull;
	}
}

/* --- driver -------------------------------------------------------------- */

static bool is_softirq_entry(const char *fn)
{
	return fn && (!strcmp(fn, "__do_softirq") || !strcmp(fn, "handle_softirqs"));
}

/* x86_64 runs softirqs on the hardirq stack: frames on an IRQ stack at or
 * inside __do_softirq/handle_softirqs are softirq context, until a pt_regs
 * crossing (a hard interrupt on top of the softirq). */
static void mark_softirq(struct ustate *st)
{
	bool in_softirq = false;
	size_t i;

	for (i = st->n; i-- > 0;) {
		struct kdl_frame *f = &st->frames[i];

		if (f->context != KDL_CTX_IRQ) {
			in_softirq = false;
			continue;
		}
		if (i + 1 < st->n && st->regs_frame[i + 1])
			in_softirq = false; /* frame i runs in an interrupt on top */
		if (is_softirq_entry(f->function))
			in_softirq = true;
		if (in_softirq)
			f->context = KDL_CTX_SOFTIRQ;
	}
}

static void state_init(struct ustate *st, struct kdl_unwinder *u, int cpu)
{
	memset(st, 0, sizeof(*st));
	st->u = u;
	st->cpu = cpu;
}

static void run(struct ustate *st)
{
	for (;;) {
		enum step s;

		if (st->n >= KDL_UNWIND_MAX_FRAMES) {
			st->truncated = true;
			return;
		}
		s = st->u->orc ? step_orc(st) : step_fp(st);
		if (s == STEP_END)
			return;
		if (s == STEP_ERR) {
			st->truncated = true;
			scan(st, st->sp);
			return;
		}
		if (st->regs_step && user_mode(&st->regs)) {
			emit(st, st->ip, st->sp, !st->error, true, true, true);
			return;
		}
		{
			/* A pc in no known function is a guess, and so is every
			 * frame found from it. */
			struct kdl_symbol sym;
			bool exact = st->regs_step || st->signal;

			if (!lookup_symbol(st->u, exact ? st->ip : st->ip - 1, &sym))
				st->error = true;
		}
		if (!emit(st, st->ip, st->sp, !st->error, st->regs_step || st->signal,
			  st->regs_step, false))
			return;
	}
}

static struct kdl_error *finish(struct ustate *st, struct kdl_frame **frames, size_t *nframes,
				enum kdl_quality *quality)
{
	struct kdl_frame *out;

	mark_softirq(st);
	out = realloc(st->frames, (st->n ? st->n : 1) * sizeof(*out));
	if (!out)
		out = st->frames;
	free(st->regs_frame);
	*frames = out;
	*nframes = st->n;
	if (st->any_unreliable)
		*quality = KDL_Q_UNRELIABLE;
	else if (st->truncated)
		*quality = KDL_Q_PARTIAL;
	else
		*quality = KDL_Q_OK;
	return NULL;
}

static struct kdl_error *alloc_frames(struct ustate *st)
{
	st->frames = calloc(KDL_UNWIND_MAX_FRAMES, sizeof(*st->frames));
	st->regs_frame = calloc(KDL_UNWIND_MAX_FRAMES, sizeof(*st->regs_frame));
	if (!st->frames || !st->regs_frame) {
		free(st->frames);
		free(st->regs_frame);
		return kdl_error_create(KDL_ERR_NOMEM, "unwind: frame array");
	}
	return NULL;
}

struct kdl_error *kdl_unwind_sleeping(struct kdl_unwinder *u, int cpu, uint64_t thread_sp,
				      struct kdl_frame **frames, size_t *nframes,
				      enum kdl_quality *quality)
{
	struct ustate st;
	struct kdl_stack_region r;
	struct kdl_error *err;
	uint64_t bp, ret;

	if ((err = kdl_target_read_u64(u->t, thread_sp + u->itf_bp, &bp)) ||
	    (err = kdl_target_read_u64(u->t, thread_sp + u->itf_ret, &ret)))
		return kdl_error_wrap(err, "unwind: inactive_task_frame at 0x%llx",
				      (unsigned long long)thread_sp);
	state_init(&st, u, cpu);
	if ((err = alloc_frames(&st)))
		return err;
	if (classify(&st, thread_sp, &r)) {
		st.cur = r;
		st.have_cur = true;
		if (r.ctx == KDL_CTX_TASK)
			st.task_base = r.base;
	}
	st.sp = thread_sp + u->itf_size;
	st.bp = bp;
	st.ip = ret;
	st.rec = thread_sp + u->itf_bp;
	st.signal = u->ret_from_fork && ret == u->ret_from_fork;
	{
		struct kdl_symbol sym;

		/* a saved frame that does not return into a function is stale */
		if (!lookup_symbol(u, st.signal ? ret : ret - 1, &sym))
			st.error = true;
	}
	emit(&st, ret, st.sp, !st.error, st.signal, false, false);
	run(&st);
	return finish(&st, frames, nframes, quality);
}

struct kdl_error *kdl_unwind_regs(struct kdl_unwinder *u, int cpu, const struct kdl_regs *regs,
				  struct kdl_frame **frames, size_t *nframes,
				  enum kdl_quality *quality)
{
	struct ustate st;
	struct kdl_stack_region r;
	struct kdl_error *err;

	state_init(&st, u, cpu);
	if ((err = alloc_frames(&st)))
		return err;
	if (user_mode(regs)) {
		emit(&st, regs->ip, regs->sp, true, true, true, true);
		return finish(&st, frames, nframes, quality);
	}
	if (classify(&st, regs->sp, &r)) {
		st.cur = r;
		st.have_cur = true;
		if (r.ctx == KDL_CTX_TASK)
			st.task_base = r.base;
	}
	st.ip = regs->ip;
	st.sp = regs->sp;
	st.bp = regs->bp;
	st.regs = *regs;
	st.regs_valid = st.full_regs = true;
	st.signal = true;
	st.rec = 0;
	emit(&st, regs->ip, regs->sp, true, true, true, false);
	run(&st);
	return finish(&st, frames, nframes, quality);
}

/* --- construction -------------------------------------------------------- */

struct kdl_error *kdl_unwinder_create_parts(struct kdl_target *t,
					    const struct kdl_unwind_parts *parts,
					    kdl_stack_classify_fn classify_fn, void *classify_arg,
					    struct kdl_unwinder **out)
{
	struct kdl_unwinder *u;

	if (!t || !parts->symbol_at) {
		kdl_orc_destroy(parts->orc);
		return kdl_error_create(KDL_ERR_INTERNAL, "unwinder: no target or symbols");
	}
	u = calloc(1, sizeof(*u));
	if (!u) {
		kdl_orc_destroy(parts->orc);
		return kdl_error_create(KDL_ERR_NOMEM, "unwinder");
	}
	u->t = t;
	u->symbol_at = parts->symbol_at;
	u->symbol_arg = parts->symbol_arg;
	u->orc = parts->orc;
	u->itf_bp = parts->itf_bp;
	u->itf_ret = parts->itf_ret;
	u->itf_size = parts->itf_size;
	u->ret_from_fork = parts->ret_from_fork;
	u->pt_regs_size = parts->pt_regs_size ? parts->pt_regs_size : PT_REGS_WORDS * 8;
	u->classify = classify_fn;
	u->classify_arg = classify_arg;
	u->text = parts->text;
	u->text_size = parts->text_size;
	u->text_addr = parts->text_addr;
	*out = u;
	return NULL;
}

void kdl_unwinder_destroy(struct kdl_unwinder *u)
{
	if (!u)
		return;
	kdl_orc_destroy(u->orc);
	free(u);
}

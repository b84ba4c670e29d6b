/* kdl_user - user-space side of kdlview's sample scenarios (static binary).
 *   kdl_user proc   read /proc/kdl/abba: blocks in D state on kdl_abba_a
 *   kdl_user mmap   three threads hang on this process's mm->mmap_lock:
 *     kdl_mm_hold  faults on page 0 of /proc/kdl/mmap; the module's fault
 *                  handler sleeps holding mmap_lock for read
 *     kdl_mm_wr    mprotect() queues for mmap_lock write
 *     kdl_mm_rd    faults on page 1 and queues for read behind the writer
 * Prints "KDL-USER ..." lines to stdout (the console). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile char *map;
static char *anon;
static volatile int tids[3];
static volatile int go[3];

static void wait_go(int i)
{
	while (!go[i])
		usleep(1000);
}

static char tstate(int tid)
{
	char path[64], buf[512], *p;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : '?';
}

static void wait_d(int i)
{
	int k;

	for (k = 0; k < 2000; k++) {
		if (tids[i] && tstate(tids[i]) == 'D')
			return;
		usleep(10000);
	}
	printf("KDL-USER warn: thread %d (tid %d) not in D state\n", i, tids[i]);
}

static void *hold(void *a)
{
	prctl(PR_SET_NAME, "kdl_mm_hold");
	tids[0] = syscall(SYS_gettid);
	wait_go(0);
	(void)map[0];			/* never returns */
	return NULL;
}

static void *wr(void *a)
{
	prctl(PR_SET_NAME, "kdl_mm_wr");
	tids[1] = syscall(SYS_gettid);
	wait_go(1);
	mprotect(anon, 4096, PROT_READ);	/* queues for mmap_lock write */
	return NULL;
}

static void *rd(void *a)
{
	prctl(PR_SET_NAME, "kdl_mm_rd");
	tids[2] = syscall(SYS_gettid);
	wait_go(2);
	(void)map[4096];		/* queues for mmap_lock read */
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[3];
	char c;
	int fd;

	if (argc > 1 && !strcmp(argv[1], "proc")) {
		prctl(PR_SET_NAME, "kdl_procread");
		fd = open("/proc/kdl/abba", O_RDONLY);
		if (fd < 0) {
			perror("KDL-USER open /proc/kdl/abba");
			return 1;
		}
		printf("KDL-USER procread pid=%d reading /proc/kdl/abba\n", getpid());
		fflush(stdout);
		if (read(fd, &c, 1) < 0)
			perror("read");
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "mmap")) {
		prctl(PR_SET_NAME, "kdl_mm_main");
		fd = open("/proc/kdl/mmap", O_RDONLY);
		if (fd < 0) {
			perror("KDL-USER open /proc/kdl/mmap");
			return 1;
		}
		map = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, 0);
		anon = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (map == MAP_FAILED || anon == MAP_FAILED) {
			perror("KDL-USER mmap");
			return 1;
		}
		anon[0] = 1;
		printf("KDL-USER mmap pid=%d starting\n", getpid());
		fflush(stdout);
		/* every thread (and its stack) exists before mmap_lock is held */
		pthread_create(&t[0], NULL, hold, NULL);
		pthread_create(&t[1], NULL, wr, NULL);
		pthread_create(&t[2], NULL, rd, NULL);
		while (!tids[0] || !tids[1] || !tids[2])
			usleep(1000);
		go[0] = 1;
		wait_d(0);
		go[1] = 1;
		wait_d(1);
		go[2] = 1;
		wait_d(2);
		printf("KDL-USER mmap pid=%d hold=%d(%c) wr=%d(%c) rd=%d(%c) map=%p anon=%p\n",
		       getpid(), tids[0], tstate(tids[0]), tids[1], tstate(tids[1]),
		       tids[2], tstate(tids[2]), (void *)map, (void *)anon);
		fflush(stdout);
		for (;;)
			pause();
	}
	fprintf(stderr, "usage: kdl_user proc|mmap\n");
	return 2;
}

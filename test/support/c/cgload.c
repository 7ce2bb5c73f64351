/*
 * cgload: the load of the cgroup v1 tests (test/support/cgroup-load.ts). It first moves
 * itself into a cgroup, then loads it until it is killed; it dies with its parent.
 *
 *   cgload PARENT_PID PROCS_FILE spin
 *       burn CPU in a loop (in a cgroup with a CFS quota: throttled every period).
 *   cgload PARENT_PID PROCS_FILE thrash FILE ANON_MB PAGES_PER_SEC
 *       keep ANON_MB of anonymous memory touched, and read FILE through a private mapping one
 *       page at a time, round and round, after the first pass at most PAGES_PER_SEC pages a second, readahead off
 *       (MADV_RANDOM). In a memory cgroup whose limit is below ANON_MB + the file size, each
 *       pass evicts what the last one read: every page read is a major fault, most of them
 *       refaults, and the cgroup's usage sits at its limit (failcnt grows) without an OOM
 *       kill, since the page cache can always be reclaimed (no swap is needed).
 *
 * PROCS_FILE is the cgroup's cgroup.procs: the process writes its own pid there before it
 * allocates anything, so all its memory is charged to the cgroup. "ready" on stdout once the
 * load runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void fail(const char *what) {
  dprintf(2, "cgload: %s: %s\n", what, strerror(errno));
  exit(71);
}

static void join_cgroup(const char *procs) {
  int fd = open(procs, O_WRONLY);
  if (fd < 0) fail(procs);
  char pid[32];
  int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
  if (write(fd, pid, (size_t)n) != n) fail(procs);
  close(fd);
}

static void spin(void) {
  puts("ready");
  fflush(stdout);
  volatile unsigned long x = 0;
  for (;;) x++;
}

static void thrash(const char *path, long anon_mb, long pages_per_sec) {
  long page = sysconf(_SC_PAGESIZE);
  size_t anon_bytes = (size_t)anon_mb << 20;
  char *anon = anon_bytes ? mmap(NULL, anon_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : NULL;
  if (anon == MAP_FAILED) fail("mmap anon");
  for (size_t off = 0; off < anon_bytes; off += (size_t)page) anon[off] = 1;

  int fd = open(path, O_RDONLY);
  if (fd < 0) fail(path);
  struct stat st;
  if (fstat(fd, &st) != 0) fail("fstat");
  /* Pages of the file already cached were charged to whoever wrote them: drop them, so every
     page this process reads is charged to its own cgroup. */
  fdatasync(fd);
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  size_t size = (size_t)st.st_size;
  volatile char *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map == MAP_FAILED) fail("mmap file");
  madvise((void *)map, size, MADV_RANDOM);
  puts("ready");
  fflush(stdout);

  struct timespec pause = {0, pages_per_sec > 0 ? 1000000000L / pages_per_sec : 0};
  unsigned long sum = 0;
  /* The first pass runs at full speed, so the thrashing (refaults) starts within a second. */
  for (int pass = 0;; pass++) {
    for (size_t off = 0; off < size; off += (size_t)page) {
      sum += (unsigned char)map[off];
      if (pass > 0 && pause.tv_nsec) nanosleep(&pause, NULL);
    }
    /* The anonymous memory stays in use (no swap: it could not leave anyway). */
    for (size_t off = 0; off < anon_bytes; off += (size_t)page) anon[off]++;
  }
  (void)sum;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    dprintf(2, "usage: cgload PARENT_PID PROCS_FILE spin | thrash FILE ANON_MB PAGES_PER_SEC\n");
    return 64;
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != (pid_t)atoi(argv[1])) return 70; /* the test process is already gone */
  join_cgroup(argv[2]);
  if (strcmp(argv[3], "spin") == 0) spin();
  if (strcmp(argv[3], "thrash") == 0 && argc == 7) thrash(argv[4], atol(argv[5]), atol(argv[6]));
  dprintf(2, "cgload: unknown load %s\n", argv[3]);
  return 64;
}

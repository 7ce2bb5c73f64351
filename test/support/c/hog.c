/*
 * hog: a process that wants more of one resource than it gets.
 *
 *   hog cpu [threads]
 *     <threads> threads (default 1) in a busy loop (state R, no syscalls).
 *     Writes "ready" once they all run.
 *
 *   hog file <file> <MiB>
 *     Writes <file> of <MiB> MiB, fsyncs it and drops it from the page cache,
 *     maps it (MAP_SHARED, PROT_READ, madvise MADV_RANDOM: no readahead), then
 *     reads one byte of every page, in order, again and again. In a memory
 *     cgroup whose limit is below <MiB> (and no swap) every pass evicts the
 *     pages the next pass needs: each touch is a major fault that reads the
 *     page back from disk (filemap_fault), i.e. the process thrashes without
 *     being killed. Writes "ready pass=1" after the first pass.
 *
 *   hog anon <MiB>
 *     Allocates <MiB> MiB of anonymous memory and writes every page, again and
 *     again. Without swap, above its cgroup's limit it is OOM-killed: this is
 *     for exploring that, not a scenario that lasts. Writes "ready pass=1"
 *     after the first pass.
 */
#include "lab.h"
#include <fcntl.h>
#include <sys/mman.h>

static void *spin(void *arg) {
  (void)arg;
  volatile unsigned long spins = 0;
  for (;;) spins++;
  return NULL;
}

static void cpu(long threads) {
  for (long i = 1; i < threads; i++) {
    pthread_t t;
    if (pthread_create(&t, NULL, spin, NULL) != 0) die("pthread_create");
  }
  say("ready");
  spin(NULL);
}

static void touch_forever(volatile char *mem, size_t size, int write) {
  long page = sysconf(_SC_PAGESIZE);
  volatile unsigned long sum = 0;
  for (unsigned long pass = 1;; pass++) {
    for (size_t off = 0; off < size; off += (size_t)page) {
      if (write) mem[off] = (char)pass;
      else sum += (unsigned long)mem[off];
    }
    if (pass == 1) say("ready pass=1");
  }
}

static void file(const char *path, size_t size) {
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) die("open");
  static char chunk[1 << 20];
  memset(chunk, 'f', sizeof chunk);
  for (size_t done = 0; done < size; done += sizeof chunk)
    if (write(fd, chunk, sizeof chunk) != (ssize_t)sizeof chunk) die("write");
  if (fsync(fd) != 0) die("fsync");
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  char *mem = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
  if (mem == MAP_FAILED) die("mmap");
  madvise(mem, size, MADV_RANDOM);
  touch_forever(mem, size, 0);
}

static void anon(size_t size) {
  char *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) die("mmap");
  touch_forever(mem, size, 1);
}

int main(int argc, char **argv) {
  lab_init("hog");
  if (argc == 2 && strcmp(argv[1], "cpu") == 0) cpu(1);
  if (argc == 3 && strcmp(argv[1], "cpu") == 0 && atol(argv[2]) > 0) cpu(atol(argv[2]));
  if (argc == 4 && strcmp(argv[1], "file") == 0 && atol(argv[3]) > 0) file(argv[2], (size_t)atol(argv[3]) << 20);
  if (argc == 3 && strcmp(argv[1], "anon") == 0 && atol(argv[2]) > 0) anon((size_t)atol(argv[2]) << 20);
  usage("hog cpu [threads] | hog file <file> <MiB> | hog anon <MiB>");
}

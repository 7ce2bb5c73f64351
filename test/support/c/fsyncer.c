/*
 * fsyncer: a write-ahead-log writer: write(4 KiB) then fdatasync(), in a loop.
 *
 *   fsyncer <file> <wrap-MiB>
 *
 * Creates <file>, appends 4 KiB blocks, each followed by fdatasync() (the file
 * grows, so each fdatasync also commits the size change: on ext4 a jbd2
 * journal commit). When the file reaches <wrap-MiB> it is truncated to 0 and
 * the writer starts again, so the disk use stays bounded. Writes "ready" after
 * the first fdatasync has returned.
 */
#include "lab.h"
#include <fcntl.h>

int main(int argc, char **argv) {
  lab_init("fsyncer");
  if (argc != 3 || atol(argv[2]) < 1) usage("fsyncer <file> <wrap-MiB>");
  off_t wrap = (off_t)atol(argv[2]) << 20;
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) die("open");
  static char block[4096];
  memset(block, 'w', sizeof block);
  off_t size = 0;
  for (int announced = 0;; announced = 1) {
    if (size >= wrap) {
      if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0) die("truncate");
      size = 0;
    }
    if (write(fd, block, sizeof block) != (ssize_t)sizeof block) die("write");
    size += (off_t)sizeof block;
    if (fdatasync(fd) != 0) die("fdatasync");
    if (!announced) say("ready");
  }
}

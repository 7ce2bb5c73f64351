/*
 * guard: runs one test scenario so that nothing it starts can outlive the test.
 *
 *   guard [-p] <expected-parent-pid> <program> [args...]
 *
 * - Becomes a child subreaper, so every orphan of the scenario is reparented
 *   here and reaped at once (PID 1 on the test machines reaps only every ~2 s).
 * - Forks the scenario into its own process group (pgid = its pid) and writes
 *   that pid, then "\n", on fd 3; the scenario gets fds 0-2, the guard keeps none
 *   of them (with -p, the scenario's stdin is instead the read end of a fresh
 *   pipe whose write end only the guard holds, and never writes).
 * - Gets SIGTERM when its parent dies (PR_SET_PDEATHSIG); on SIGTERM, SIGINT or
 *   SIGHUP it SIGKILLs the scenario's process group.
 * - Exits once it has no children left, so when the guard has exited every
 *   process of the scenario is dead and reaped.
 * Waits in sigwaitinfo (wchan do_sigtimedwait.isra.0), never in wait4, so that it does
 * not look like a "parent waiting for a child" to whoever diagnoses its tree.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int argi = 1;
  int pipe_stdin = 0;
  if (argi < argc && strcmp(argv[argi], "-p") == 0) {
    pipe_stdin = 1;
    argi++;
  }
  if (argc - argi < 2) {
    dprintf(2, "usage: guard [-p] <expected-parent-pid> <program> [args...]\n");
    return 64;
  }
  pid_t expected_parent = (pid_t)atoi(argv[argi++]);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != expected_parent) return 70; /* the test process is already gone */

  int pipefd[2] = {-1, -1};
  if (pipe_stdin && pipe(pipefd) != 0) {
    dprintf(2, "guard: pipe: %s\n", strerror(errno));
    return 71;
  }

  sigset_t handled, original;
  sigemptyset(&handled);
  sigaddset(&handled, SIGCHLD);
  sigaddset(&handled, SIGTERM);
  sigaddset(&handled, SIGINT);
  sigaddset(&handled, SIGHUP);
  sigprocmask(SIG_BLOCK, &handled, &original);

  pid_t self = getpid();
  pid_t child = fork();
  if (child < 0) {
    dprintf(2, "guard: fork: %s\n", strerror(errno));
    return 71;
  }
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &original, NULL);
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != self) _exit(70);
    if (pipe_stdin) {
      dup2(pipefd[0], 0);
      close(pipefd[0]);
      close(pipefd[1]);
    }
    close(3);
    execvp(argv[argi], &argv[argi]);
    dprintf(2, "guard: exec %s: %s\n", argv[argi], strerror(errno));
    _exit(127);
  }
  setpgid(child, child); /* also here, so the group exists before the pid is reported */
  dprintf(3, "%d\n", (int)child);
  close(3);
  if (pipe_stdin) close(pipefd[0]);
  int devnull = open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    if (devnull > 2) close(devnull);
  }

  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&handled, &info);
    if (sig < 0) continue; /* EINTR */
    if (sig != SIGCHLD) kill(-child, SIGKILL);
    for (;;) {
      pid_t reaped = waitpid(-1, NULL, WNOHANG);
      if (reaped > 0) continue;
      if (reaped < 0 && errno == ECHILD) return 0;
      break;
    }
  }
}

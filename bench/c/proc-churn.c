/*
 * proc-churn: short-lived processes, each under a name never seen before, for the exporter's
 * memory bench ("100,000 short-lived processes").
 *
 *   proc-churn <per-second> <lifetime-ms>
 *
 * Forks <per-second> children a second; each names itself churn-<n> (prctl PR_SET_NAME, n
 * counting up), sleeps <lifetime-ms> and exits. Reaps them as they go. Writes "ready" once.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  long rate = atol(argv[1]);
  long lifetime_ms = atol(argv[2]);
  if (rate < 1 || lifetime_ms < 0) return 2;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  signal(SIGCHLD, SIG_DFL);
  printf("ready\n");
  fflush(stdout);
  struct timespec gap = {0, 1000000000L / rate};
  struct timespec life = {lifetime_ms / 1000, (lifetime_ms % 1000) * 1000000L};
  for (unsigned long n = 0;; n++) {
    pid_t pid = fork();
    if (pid == 0) {
      char name[16];
      snprintf(name, sizeof name, "churn-%lu", n);
      prctl(PR_SET_NAME, name);
      nanosleep(&life, NULL);
      _exit(0);
    }
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    nanosleep(&gap, NULL);
  }
}

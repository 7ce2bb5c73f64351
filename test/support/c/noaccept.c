/*
 * noaccept: a TCP server that listens and never calls accept().
 *
 *   noaccept <backlog>
 *
 * Listens on 127.0.0.1:<port chosen by the kernel> with listen(fd, <backlog>),
 * writes "ready port=<port>" and sleeps in nanosleep forever. Once <backlog>+1
 * connections have completed the handshake the accept queue is full
 * (sk_acceptq_is_full: sk_ack_backlog > sk_max_ack_backlog) and every further
 * SYN or handshake-completing ACK counts in TcpExt ListenOverflows/ListenDrops.
 */
#include "lab.h"

int main(int argc, char **argv) {
  lab_init("noaccept");
  if (argc != 2) usage("noaccept <backlog>");
  int port;
  listen_loopback(atoi(argv[1]), &port);
  say("ready port=%d", port);
  sleep_forever();
}

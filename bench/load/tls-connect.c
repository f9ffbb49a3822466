/*
 * tls-connect: new TLS connections per second, one full handshake each.
 *
 * wrk and h2load resume TLS sessions when they reconnect, which hides the cost
 * of the certificate signature; this client never offers a session, so every
 * connection is a full handshake followed by one HTTP/1.1 request with
 * "Connection: close". Built by bench/load/tls-connect.ts with the system's
 * OpenSSL (cc + libssl-dev).
 *
 *   tls-connect <ip> <port> <sni|sni-pattern-with-%d> <path> <concurrency> <seconds> [max-connections [pause-ms]]
 *
 * pause-ms: each worker waits this long after a connection before starting the
 * next (a new host arriving at an idle server, rather than a saturating stream).
 *
 * Prints one JSON line: {"ok":N,"failed":N,"seconds":S,"p50_ms":..,"p99_ms":..,"samples_ms":[..]}
 * (samples_ms only when max-connections is given, in connection order).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES 2000000

static const char *ip, *sni, *path;
static int port, concurrency;
static double deadline;
static long max_conns = -1;
static double pause_ms = 0;
static SSL_CTX *ctx;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long started = 0, ok = 0, failed = 0, nsamples = 0;
static double *samples;
static long *order;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int one(long index) {
  char host[256];
  if (strstr(sni, "%d")) snprintf(host, sizeof host, sni, (int)index);
  else snprintf(host, sizeof host, "%s", sni);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one_ = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one_, sizeof one_);
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, ip, &sa.sin_addr);
  int good = 0;
  SSL *ssl = NULL;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) goto out;
  ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, host);
  if (SSL_connect(ssl) != 1) goto out;
  char req[512];
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host);
  if (SSL_write(ssl, req, n) != n) goto out;
  char buf[16384];
  int total = 0, r;
  char head[16] = {0};
  while ((r = SSL_read(ssl, buf, sizeof buf)) > 0) {
    if (total < 12) memcpy(head + total, buf, (size_t)(r < 12 - total ? r : 12 - total));
    total += r;
  }
  good = strncmp(head, "HTTP/1.1 2", 10) == 0 || strncmp(head, "HTTP/1.0 2", 10) == 0;
out:
  if (ssl) SSL_free(ssl);
  close(fd);
  return good;
}

static void *worker(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&lock);
    long index = started;
    int go = now() < deadline && (max_conns < 0 || started < max_conns);
    if (go) started++;
    pthread_mutex_unlock(&lock);
    if (!go) break;
    double t0 = now();
    int good = one(index);
    double ms = (now() - t0) * 1000;
    pthread_mutex_lock(&lock);
    if (good) {
      ok++;
      if (nsamples < MAX_SAMPLES) {
        samples[nsamples] = ms;
        order[nsamples] = index;
        nsamples++;
      }
    } else {
      failed++;
    }
    pthread_mutex_unlock(&lock);
    if (pause_ms > 0) {
      struct timespec pause = {(time_t)(pause_ms / 1000), (long)((pause_ms - 1000 * (long)(pause_ms / 1000)) * 1e6)};
      nanosleep(&pause, NULL);
    }
  }
  return NULL;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: %s ip port sni path concurrency seconds [max-connections]\n", argv[0]);
    return 2;
  }
  ip = argv[1];
  port = atoi(argv[2]);
  sni = argv[3];
  path = argv[4];
  concurrency = atoi(argv[5]);
  double seconds = atof(argv[6]);
  if (argc > 7) max_conns = atol(argv[7]);
  if (argc > 8) pause_ms = atof(argv[8]);
  samples = malloc(sizeof(double) * MAX_SAMPLES);
  order = malloc(sizeof(long) * MAX_SAMPLES);
  ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  double t0 = now();
  deadline = t0 + seconds;
  pthread_t *threads = calloc((size_t)concurrency, sizeof(pthread_t));
  for (int i = 0; i < concurrency; i++) pthread_create(&threads[i], NULL, worker, NULL);
  for (int i = 0; i < concurrency; i++) pthread_join(threads[i], NULL);
  double elapsed = now() - t0;
  printf("{\"ok\":%ld,\"failed\":%ld,\"seconds\":%.4f", ok, failed, elapsed);
  if (max_conns >= 0) {
    /* samples in connection order, for the caller to pair with names */
    double *ordered = malloc(sizeof(double) * (size_t)(max_conns > 0 ? max_conns : 1));
    for (long i = 0; i < max_conns; i++) ordered[i] = -1;
    for (long i = 0; i < nsamples; i++) if (order[i] < max_conns) ordered[order[i]] = samples[i];
    printf(",\"samples_ms\":[");
    for (long i = 0; i < max_conns; i++) printf("%s%.4f", i ? "," : "", ordered[i]);
    printf("]");
  }
  if (nsamples > 0) {
    qsort(samples, (size_t)nsamples, sizeof(double), cmp);
    printf(",\"p50_ms\":%.4f,\"p99_ms\":%.4f", samples[nsamples / 2], samples[(long)(nsamples * 0.99)]);
  }
  printf("}\n");
  return 0;
}

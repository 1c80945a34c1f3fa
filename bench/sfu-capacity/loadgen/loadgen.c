/* loadgen: many WebRTC endpoints in one process, each speaking to one mediasoup WebRtcTransport
 * what a browser speaks (ICE, DTLS-SRTP, RTP/RTCP), driven by line commands on stdin and
 * answering with JSON lines on stdout. See ../README.md. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/rand.h>

#include "dtls.h"
#include "media.h"
#include "srtp.h"
#include "stun.h"

#define MAX_ENDPOINTS 4096
#define MAX_ARGS 32

enum { EP_ICE, EP_DTLS, EP_MEDIA, EP_FAILED };
static const char *state_names[] = {"ice", "dtls", "media", "failed"};

typedef struct {
  int id, fd, state;
  char username[300], pwd[128];
  uint8_t txid[12];
  uint64_t tiebreaker;
  uint64_t added_us, connected_us, media_start_us;
  uint64_t next_stun_us, next_dtls_us, next_rtcp_us, next_video_us, next_audio_us;
  dtls_client dtls;
  srtp_sender srtp;
  int srtp_ready;
  /* sending */
  int sends;
  media_stream video, audio;
  media_ext_ids ext;
  uint16_t twcc_seq, picture_id;
  uint32_t frame_no, kbps, rtcp_ssrc;
  uint64_t sent_rtp, sent_rtcp, sent_bytes, send_errors;
  /* receiving */
  media_rx rx[MEDIA_MAX_RX];
  int nrx;
  uint64_t rx_rtp, rx_rtcp, rx_bytes, rx_stun, rx_dtls;
} endpoint;

static endpoint *endpoints[MAX_ENDPOINTS];
static int nendpoints;
static dtls_context dtls_ctx;
static int epfd;

static uint64_t now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static uint32_t rand32(void) {
  uint32_t v;
  RAND_bytes((uint8_t *)&v, sizeof v);
  return v;
}

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

/* --- arguments: key=value words --- */
typedef struct {
  char *key[MAX_ARGS], *val[MAX_ARGS];
  int n;
} args;

static void parse_args(char *line, char **cmd, args *a) {
  a->n = 0;
  *cmd = strtok(line, " \t\r\n");
  char *w;
  while ((w = strtok(NULL, " \t\r\n")) && a->n < MAX_ARGS) {
    char *eq = strchr(w, '=');
    if (!eq) continue;
    *eq = 0;
    a->key[a->n] = w;
    a->val[a->n++] = eq + 1;
  }
}
static const char *arg(const args *a, const char *k, const char *def) {
  for (int i = 0; i < a->n; i++)
    if (!strcmp(a->key[i], k)) return a->val[i];
  return def;
}
static long long arg_num(const args *a, const char *k, long long def) {
  const char *v = arg(a, k, NULL);
  return v ? strtoll(v, NULL, 0) : def;
}
static int hex_decode(const char *hex, uint8_t *out, size_t cap) {
  size_t n = strlen(hex);
  if (n % 2 || n / 2 > cap) return -1;
  for (size_t i = 0; i < n / 2; i++) {
    unsigned int b;
    if (sscanf(hex + 2 * i, "%2x", &b) != 1) return -1;
    out[i] = (uint8_t)b;
  }
  return (int)(n / 2);
}
static void hex_encode(const uint8_t *p, size_t n, char *out) {
  for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", p[i]);
  out[2 * n] = 0;
}

/* --- endpoints --- */
static endpoint *find(int id) {
  for (int i = 0; i < nendpoints; i++)
    if (endpoints[i]->id == id) return endpoints[i];
  return NULL;
}

/* Outgoing datagrams of one endpoint are queued and sent with one sendmmsg: a frame's packets
 * leave together, as a browser's pacer would send a burst, for a fraction of the syscalls. */
enum { SEND_BATCH = 64 };
static struct {
  endpoint *e;
  int n;
  uint8_t buf[SEND_BATCH][MEDIA_MAX_PACKET + SRTP_MAX_TRAILER + 64];
  struct iovec iov[SEND_BATCH];
  struct mmsghdr msg[SEND_BATCH];
} out;

static void send_flush(void) {
  int done = 0;
  while (done < out.n) {
    int r = sendmmsg(out.e->fd, out.msg + done, (unsigned int)(out.n - done), 0);
    if (r <= 0) {
      out.e->send_errors += (uint64_t)(out.n - done); /* a full socket buffer: dropped, counted */
      break;
    }
    done += r;
  }
  out.n = 0;
  out.e = NULL;
}

static void send_raw(endpoint *e, const uint8_t *p, size_t n) {
  if (n > sizeof out.buf[0]) {
    /* DTLS flights can be larger than a media packet. */
    if (out.e) send_flush();
    if (send(e->fd, p, n, 0) < 0) e->send_errors++;
    return;
  }
  if (out.e != e || out.n == SEND_BATCH) {
    if (out.e) send_flush();
    out.e = e;
  }
  memcpy(out.buf[out.n], p, n);
  out.iov[out.n].iov_base = out.buf[out.n];
  out.iov[out.n].iov_len = n;
  memset(&out.msg[out.n], 0, sizeof out.msg[out.n]);
  out.msg[out.n].msg_hdr.msg_iov = &out.iov[out.n];
  out.msg[out.n].msg_hdr.msg_iovlen = 1;
  out.n++;
}

static void fail(endpoint *e, const char *why) {
  e->state = EP_FAILED;
  emit("{\"event\":\"failed\",\"id\":%d,\"reason\":\"%s\"}", e->id, why);
}

static void flush_dtls(endpoint *e) {
  uint8_t buf[8192];
  int n;
  while ((n = dtls_client_pending(&e->dtls, buf, sizeof buf)) > 0) send_raw(e, buf, (size_t)n);
}

static void start_media(endpoint *e, uint64_t now) {
  if (srtp_sender_init(&e->srtp, e->dtls.profile, e->dtls.client_key, e->dtls.client_salt)) {
    fail(e, "srtp init");
    return;
  }
  e->srtp_ready = 1;
  e->state = EP_MEDIA;
  e->connected_us = now;
  e->media_start_us = now;
  /* Random phases, so that many endpoints do not send their frames in the same millisecond. */
  e->next_video_us = now + rand32() % 33333;
  e->next_audio_us = now + rand32() % 20000;
  e->next_rtcp_us = now + 100000 + rand32() % 900000;
  emit("{\"event\":\"connected\",\"id\":%d,\"ms\":%.1f,\"srtp\":\"%s\"}", e->id, (now - e->added_us) / 1000.0,
       srtp_profile_name(e->dtls.profile));
}

static void protect_and_send(endpoint *e, uint8_t *pkt, size_t len, media_stream *s) {
  int n = srtp_protect_rtp(&e->srtp, pkt, len, s->roc);
  if (n < 0) {
    e->send_errors++;
    return;
  }
  send_raw(e, pkt, (size_t)n);
  e->sent_rtp++;
  e->sent_bytes += (size_t)n;
}

typedef struct {
  endpoint *e;
  uint32_t ts;
  uint64_t now;
} frame_ctx;

static void emit_vp8(void *ctx, const uint8_t *payload, size_t n, int last) {
  frame_ctx *f = ctx;
  uint8_t pkt[MEDIA_MAX_PACKET + SRTP_MAX_TRAILER];
  /* seq must be read before media_rtp advances it, for the ROC of this packet */
  uint32_t roc = f->e->video.roc;
  size_t len = media_rtp(pkt, &f->e->video, &f->e->ext, &f->e->twcc_seq, f->ts, last, f->now, payload, n, 0);
  media_stream tmp = f->e->video;
  tmp.roc = roc;
  protect_and_send(f->e, pkt, len, &tmp);
}

static void send_video_frame(endpoint *e, uint64_t now) {
  /* ~30 fps; a key frame every 3 s at 4x the size, the others shrunk to keep the average rate. */
  uint32_t avg = e->kbps * 1000u / 8u / 30u;
  int key = e->frame_no % 90 == 0;
  size_t bytes = key ? avg * 4 : (size_t)avg * 86 / 90;
  bytes = bytes * (90 + rand32() % 21) / 100; /* ±10 % */
  frame_ctx f = {e, e->video.ts_base + (uint32_t)((now - e->media_start_us) * 90000u / 1000000u), now};
  media_vp8_frame(e->picture_id, key, bytes, emit_vp8, &f);
  e->picture_id = (uint16_t)((e->picture_id + 1) & 0x7fff);
  e->frame_no++;
}

static void send_audio(endpoint *e, uint64_t now) {
  uint8_t payload[200], pkt[MEDIA_MAX_PACKET + SRTP_MAX_TRAILER];
  size_t plen = media_opus(payload, 80 + rand32() % 40); /* ~40 kbit/s */
  uint32_t roc = e->audio.roc;
  uint32_t ts = e->audio.ts_base + (uint32_t)((now - e->media_start_us) * 48000u / 1000000u);
  size_t len = media_rtp(pkt, &e->audio, &e->ext, &e->twcc_seq, ts, 0, now, payload, plen, 1);
  media_stream tmp = e->audio;
  tmp.roc = roc;
  protect_and_send(e, pkt, len, &tmp);
}

static void send_rtcp(endpoint *e, uint64_t now) {
  uint8_t pkt[2048];
  media_stream *send[2];
  int nsend = 0;
  if (e->sends) {
    if (e->video.ssrc) send[nsend++] = &e->video;
    if (e->audio.ssrc) send[nsend++] = &e->audio;
  }
  size_t len = media_rtcp(pkt, e->rtcp_ssrc, send, nsend, e->rx, e->nrx, now, e->media_start_us);
  int n = srtp_protect_rtcp(&e->srtp, pkt, len);
  if (n < 0) return;
  send_raw(e, pkt, (size_t)n);
  e->sent_rtcp++;
}

static void send_stun(endpoint *e) {
  uint8_t buf[STUN_MAX];
  int n = stun_binding_request(buf, e->txid, e->username, e->pwd, e->tiebreaker);
  if (n > 0) send_raw(e, buf, (size_t)n);
}

static void on_packet(endpoint *e, const uint8_t *p, size_t n, uint64_t now) {
  if (n == 0) return;
  uint8_t b = p[0];
  if (b <= 3) {
    e->rx_stun++;
    int r = stun_check_response(p, n, e->txid);
    if (r == 1 && e->state == EP_ICE) {
      e->state = EP_DTLS;
      e->next_stun_us = now + 2000000; /* consent freshness from now on */
      if (dtls_client_feed(&e->dtls, NULL, 0) < 0) fail(e, dtls_client_error(&e->dtls));
      flush_dtls(e);
      e->next_dtls_us = now + 100000;
    } else if (r == -1 && e->state == EP_ICE) {
      fail(e, "stun error response");
    }
  } else if (b >= 20 && b <= 63) {
    e->rx_dtls++;
    if (e->state != EP_DTLS) return;
    int r = dtls_client_feed(&e->dtls, p, n);
    flush_dtls(e);
    if (r < 0) fail(e, dtls_client_error(&e->dtls));
    else if (r == 1) start_media(e, now);
  } else if (b >= 128 && b <= 191 && n >= 12) {
    e->rx_bytes += n;
    if (p[1] >= 192 && p[1] <= 223) {
      e->rx_rtcp++;
    } else {
      e->rx_rtp++;
      uint32_t ssrc = ((uint32_t)p[8] << 24) | ((uint32_t)p[9] << 16) | ((uint32_t)p[10] << 8) | p[11];
      media_rx_count(e->rx, &e->nrx, ssrc, (uint16_t)((p[2] << 8) | p[3]));
    }
  }
}

static void on_readable(endpoint *e) {
  enum { BATCH = 32 };
  static uint8_t bufs[BATCH][2048];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = bufs[i];
      iov[i].iov_len = sizeof bufs[i];
      memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(e->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) return;
    uint64_t now = now_us();
    for (int i = 0; i < n; i++) on_packet(e, bufs[i], msgs[i].msg_len, now);
    if (n < BATCH) return;
  }
}

static void cmd_add(const args *a) {
  int id = (int)arg_num(a, "id", -1);
  const char *ip = arg(a, "ip", "127.0.0.1"), *ufrag = arg(a, "ufrag", NULL),
             *pwd = arg(a, "pwd", NULL), *fp = arg(a, "fp", NULL);
  long port = (long)arg_num(a, "port", 0);
  if (id < 0 || !ufrag || !pwd || !fp || port <= 0 || port > 65535) {
    emit("{\"event\":\"error\",\"message\":\"add needs id, port, ufrag, pwd, fp\"}");
    return;
  }
  if (find(id) || nendpoints >= MAX_ENDPOINTS) {
    /* Said as that endpoint's failure, so that whoever waits for it hears why at once. */
    emit("{\"event\":\"failed\",\"id\":%d,\"reason\":\"endpoint exists or too many\"}", id);
    return;
  }
  endpoint *e = calloc(1, sizeof *e);
  e->id = id;
  snprintf(e->pwd, sizeof e->pwd, "%s", pwd);
  char local_ufrag[9];
  for (int i = 0; i < 8; i++) local_ufrag[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[rand32() % 36];
  local_ufrag[8] = 0;
  snprintf(e->username, sizeof e->username, "%s:%s", ufrag, local_ufrag);
  RAND_bytes((uint8_t *)&e->tiebreaker, sizeof e->tiebreaker);
  e->rtcp_ssrc = rand32();
  e->video.ssrc = (uint32_t)arg_num(a, "video_ssrc", 0);
  e->audio.ssrc = (uint32_t)arg_num(a, "audio_ssrc", 0);
  e->sends = e->video.ssrc || e->audio.ssrc;
  e->video.pt = (uint8_t)arg_num(a, "video_pt", 96);
  e->audio.pt = (uint8_t)arg_num(a, "audio_pt", 111);
  e->video.clock = 90000;
  e->audio.clock = 48000;
  snprintf(e->video.mid, sizeof e->video.mid, "%s", arg(a, "video_mid", ""));
  snprintf(e->audio.mid, sizeof e->audio.mid, "%s", arg(a, "audio_mid", ""));
  e->video.seq = (uint16_t)rand32();
  e->audio.seq = (uint16_t)rand32();
  e->video.ts_base = rand32();
  e->audio.ts_base = rand32();
  e->picture_id = (uint16_t)(rand32() & 0x7fff);
  e->ext.ext_mid = (uint8_t)arg_num(a, "ext_mid", 0);
  e->ext.ext_abs = (uint8_t)arg_num(a, "ext_abs", 0);
  e->ext.ext_twcc = (uint8_t)arg_num(a, "ext_twcc", 0);
  e->ext.ext_level = (uint8_t)arg_num(a, "ext_level", 0);
  e->kbps = (uint32_t)arg_num(a, "kbps", 1500);
  if (dtls_client_init(&e->dtls, &dtls_ctx, fp)) {
    emit("{\"event\":\"failed\",\"id\":%d,\"reason\":\"dtls init\"}", id);
    free(e);
    return;
  }
  e->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int sz = 1 << 20;
  if (setsockopt(e->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz)) setsockopt(e->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
  if (setsockopt(e->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof sz)) setsockopt(e->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1 || connect(e->fd, (struct sockaddr *)&sa, sizeof sa)) {
    emit("{\"event\":\"failed\",\"id\":%d,\"reason\":\"bad address\"}", id);
    close(e->fd);
    dtls_client_free(&e->dtls);
    free(e);
    return;
  }
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = e};
  epoll_ctl(epfd, EPOLL_CTL_ADD, e->fd, &ev);
  e->state = EP_ICE;
  e->added_us = now_us();
  e->next_stun_us = e->added_us;
  endpoints[nendpoints++] = e;
}

static void cmd_remove(const args *a) {
  int id = (int)arg_num(a, "id", -1);
  for (int i = 0; i < nendpoints; i++) {
    endpoint *e = endpoints[i];
    if (e->id != id) continue;
    if (out.e == e) send_flush();
    epoll_ctl(epfd, EPOLL_CTL_DEL, e->fd, NULL);
    close(e->fd);
    dtls_client_free(&e->dtls);
    if (e->srtp_ready) srtp_sender_free(&e->srtp);
    free(e);
    endpoints[i] = endpoints[--nendpoints];
    emit("{\"event\":\"removed\",\"id\":%d}", id);
    return;
  }
  emit("{\"event\":\"error\",\"message\":\"no endpoint %d\"}", id);
}

static void cmd_stats(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu_ms = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  fprintf(f, "{\"event\":\"stats\",\"cpu_ms\":%.1f,\"endpoints\":[", cpu_ms);
  for (int i = 0; i < nendpoints; i++) {
    endpoint *e = endpoints[i];
    fprintf(f,
            "%s{\"id\":%d,\"state\":\"%s\",\"sent_rtp\":%" PRIu64 ",\"sent_rtcp\":%" PRIu64 ",\"sent_bytes\":%" PRIu64
            ",\"send_errors\":%" PRIu64 ",\"rx_rtp\":%" PRIu64 ",\"rx_rtcp\":%" PRIu64 ",\"rx_bytes\":%" PRIu64 ",\"rx\":[",
            i ? "," : "", e->id, state_names[e->state], e->sent_rtp, e->sent_rtcp, e->sent_bytes, e->send_errors,
            e->rx_rtp, e->rx_rtcp, e->rx_bytes);
    for (int j = 0; j < e->nrx; j++)
      fprintf(f, "%s{\"ssrc\":%u,\"received\":%" PRIu64 ",\"expected\":%" PRIu64 "}", j ? "," : "", e->rx[j].ssrc,
              e->rx[j].received, media_rx_expected(&e->rx[j]));
    fprintf(f, "]}");
  }
  fprintf(f, "]}");
  fclose(f);
  emit("%s", buf);
  free(buf);
}

/* --- self-test operations, for the unit test against RFC 3711's and libsrtp's vectors --- */
/* profile=cm (default), gcm128 or gcm256. */
static int arg_profile(const args *a) {
  const char *p = arg(a, "profile", "cm");
  if (!strcmp(p, "gcm128")) return SRTP_PROFILE_AEAD_AES_128_GCM;
  if (!strcmp(p, "gcm256")) return SRTP_PROFILE_AEAD_AES_256_GCM;
  return SRTP_PROFILE_AES128_CM_SHA1_80;
}

/* The master key and salt of `a` for its profile; 0 when both have the profile's length. */
static int master_of(const args *a, int profile, uint8_t mk[SRTP_MAX_KEY_LEN], uint8_t ms[SRTP_MAX_SALT_LEN]) {
  int kl = (int)srtp_key_len(profile), sl = (int)srtp_salt_len(profile);
  return hex_decode(arg(a, "key", ""), mk, SRTP_MAX_KEY_LEN) == kl &&
                 hex_decode(arg(a, "salt", ""), ms, SRTP_MAX_SALT_LEN) == sl
             ? 0
             : -1;
}

static void cmd_kdf(const args *a) {
  int profile = arg_profile(a);
  uint8_t mk[SRTP_MAX_KEY_LEN], ms[SRTP_MAX_SALT_LEN];
  if (master_of(a, profile, mk, ms)) {
    emit("{\"event\":\"error\",\"message\":\"kdf needs the profile's key and salt in hex\"}");
    return;
  }
  srtp_session_keys rtp, rtcp;
  srtp_derive(profile, mk, ms, &rtp, &rtcp);
  size_t k = srtp_key_len(profile), sl = srtp_salt_len(profile);
  char key[65], salt[29], au[41], ck[65], cs[29], cau[41];
  hex_encode(rtp.key, k, key);
  hex_encode(rtp.salt, sl, salt);
  hex_encode(rtp.auth, 20, au);
  hex_encode(rtcp.key, k, ck);
  hex_encode(rtcp.salt, sl, cs);
  hex_encode(rtcp.auth, 20, cau);
  emit("{\"event\":\"kdf\",\"rtp_key\":\"%s\",\"rtp_salt\":\"%s\",\"rtp_auth\":\"%s\",\"rtcp_key\":\"%s\","
       "\"rtcp_salt\":\"%s\",\"rtcp_auth\":\"%s\"}",
       key, salt, au, ck, cs, cau);
}

static void cmd_keystream(const args *a) {
  uint8_t key[16], salt[14];
  long long len = arg_num(a, "len", 16);
  if (hex_decode(arg(a, "key", ""), key, 16) != 16 || hex_decode(arg(a, "salt", ""), salt, 14) != 14 || len < 0 ||
      len > 1 << 20) {
    emit("{\"event\":\"error\",\"message\":\"keystream needs key, salt, len\"}");
    return;
  }
  uint8_t *ks = malloc((size_t)len);
  char *hex = malloc((size_t)len * 2 + 1);
  srtp_keystream(key, salt, (uint32_t)arg_num(a, "ssrc", 0), (uint64_t)arg_num(a, "index", 0), ks, (size_t)len);
  hex_encode(ks, (size_t)len, hex);
  emit("{\"event\":\"keystream\",\"hex\":\"%s\"}", hex);
  free(ks);
  free(hex);
}

static void cmd_protect(const args *a) {
  int profile = arg_profile(a);
  uint8_t mk[SRTP_MAX_KEY_LEN], ms[SRTP_MAX_SALT_LEN], pkt[4096];
  int n = hex_decode(arg(a, "packet", ""), pkt, sizeof pkt - SRTP_MAX_TRAILER);
  if (master_of(a, profile, mk, ms) || n < 0) {
    emit("{\"event\":\"error\",\"message\":\"protect needs key, salt, packet\"}");
    return;
  }
  srtp_sender s;
  srtp_sender_init(&s, profile, mk, ms);
  int rtcp = !strcmp(arg(a, "kind", "rtp"), "rtcp");
  if (rtcp) s.rtcp_index = (uint32_t)arg_num(a, "index", 0);
  int out = rtcp ? srtp_protect_rtcp(&s, pkt, (size_t)n) : srtp_protect_rtp(&s, pkt, (size_t)n, (uint32_t)arg_num(a, "roc", 0));
  srtp_sender_free(&s);
  if (out < 0) {
    emit("{\"event\":\"error\",\"message\":\"protect failed\"}");
    return;
  }
  char hex[sizeof pkt * 2 + 1];
  hex_encode(pkt, (size_t)out, hex);
  emit("{\"event\":\"protect\",\"hex\":\"%s\"}", hex);
}

static int on_line(char *line) {
  char *cmd;
  args a;
  parse_args(line, &cmd, &a);
  if (!cmd) return 0;
  if (!strcmp(cmd, "add")) cmd_add(&a);
  else if (!strcmp(cmd, "remove")) cmd_remove(&a);
  else if (!strcmp(cmd, "stats")) cmd_stats();
  else if (!strcmp(cmd, "kdf")) cmd_kdf(&a);
  else if (!strcmp(cmd, "keystream")) cmd_keystream(&a);
  else if (!strcmp(cmd, "protect")) cmd_protect(&a);
  else if (!strcmp(cmd, "quit")) return 1;
  else emit("{\"event\":\"error\",\"message\":\"unknown command\"}");
  return 0;
}

static void tick(endpoint *e, uint64_t now) {
  if (e->state == EP_FAILED) return;
  if (now >= e->next_stun_us) {
    send_stun(e);
    /* Checks every 50 ms until the first answer, then consent freshness every 2 s. */
    e->next_stun_us = now + (e->state == EP_ICE ? 50000 : 2000000);
    if (e->state == EP_ICE && now - e->added_us > 10000000) fail(e, "ice timeout");
  }
  if (e->state == EP_DTLS && now >= e->next_dtls_us) {
    dtls_client_tick(&e->dtls);
    flush_dtls(e);
    e->next_dtls_us = now + 100000;
    if (now - e->added_us > 15000000) fail(e, "dtls timeout");
  }
  if (e->state != EP_MEDIA) return;
  if (e->sends && e->video.ssrc) {
    /* Catch up at most a few frames after a stall rather than flooding. */
    if (now >= e->next_video_us + 200000) e->next_video_us = now;
    while (now >= e->next_video_us) {
      send_video_frame(e, now);
      e->next_video_us += 33333;
    }
  }
  if (e->sends && e->audio.ssrc) {
    if (now >= e->next_audio_us + 200000) e->next_audio_us = now;
    while (now >= e->next_audio_us) {
      send_audio(e, now);
      e->next_audio_us += 20000;
    }
  }
  if (now >= e->next_rtcp_us) {
    send_rtcp(e, now);
    e->next_rtcp_us = now + 1000000;
  }
}

/* What a browser offers (Chromium: AES-256-GCM first), or LOADGEN_SRTP=cm for AES-CM alone. */
static const char *offered_profiles(void) {
  const char *mode = getenv("LOADGEN_SRTP");
  if (mode && !strcmp(mode, "cm")) return "SRTP_AES128_CM_SHA1_80";
  return "SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  if (dtls_context_init(&dtls_ctx, offered_profiles())) {
    fprintf(stderr, "loadgen: cannot create the DTLS context\n");
    return 1;
  }
  epfd = epoll_create1(EPOLL_CLOEXEC);
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &ev);
  emit("{\"event\":\"ready\",\"fingerprint\":\"%s\"}", dtls_ctx.fingerprint);
  static char inbuf[1 << 16];
  size_t inlen = 0;
  int quit = 0;
  /* One wake-up a millisecond, not one per arriving packet: at 100+ calls packets arrive every
   * few µs, and waking for each cost the generator more than its sends (perf: a quarter of its
   * time in context switches). Socket buffers of 1 MB hold far more than a millisecond. */
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  while (!quit) {
    next.tv_nsec += 1000000;
    if (next.tv_nsec >= 1000000000) {
      next.tv_nsec -= 1000000000;
      next.tv_sec++;
    }
    struct timespec now_ts;
    clock_gettime(CLOCK_MONOTONIC, &now_ts);
    if (now_ts.tv_sec > next.tv_sec || (now_ts.tv_sec == next.tv_sec && now_ts.tv_nsec > next.tv_nsec))
      next = now_ts; /* late: do not try to catch up ticks */
    else
      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    struct epoll_event evs[4096];
    int n = epoll_wait(epfd, evs, 4096, 0);
    for (int i = 0; i < n && !quit; i++) {
      if (evs[i].data.ptr == NULL) {
        ssize_t r = read(0, inbuf + inlen, sizeof inbuf - 1 - inlen);
        if (r == 0) quit = 1; /* the driver went away */
        if (r <= 0) continue;
        inlen += (size_t)r;
        char *start = inbuf, *nl;
        while (!quit && (nl = memchr(start, '\n', inlen - (size_t)(start - inbuf)))) {
          *nl = 0;
          quit = on_line(start);
          start = nl + 1;
        }
        inlen -= (size_t)(start - inbuf);
        memmove(inbuf, start, inlen);
        if (inlen == sizeof inbuf - 1) inlen = 0; /* an absurd line: drop it */
      } else {
        on_readable(evs[i].data.ptr);
      }
    }
    uint64_t now = now_us();
    for (int i = 0; i < nendpoints; i++) tick(endpoints[i], now);
    if (out.e) send_flush();
  }
  return 0;
}

#include "media.h"

#include <string.h>
#include <time.h>

/* Stand-in for compressed data: what SRTP encrypts is indistinguishable from it anyway. */
static uint8_t noise[MEDIA_MAX_PAYLOAD];
static int noise_ready;

static const uint8_t *filler(void) {
  if (!noise_ready) {
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof noise; i++) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      noise[i] = (uint8_t)x;
    }
    noise_ready = 1;
  }
  return noise;
}

static void put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v) {
  put16(p, (uint16_t)(v >> 16));
  put16(p + 2, (uint16_t)v);
}

size_t media_rtp(uint8_t *out, media_stream *s, const media_ext_ids *ext, uint16_t *twcc_seq,
                 uint32_t ts, int marker, uint64_t now_us, const uint8_t *payload, size_t plen,
                 int audio) {
  out[0] = 0x90; /* V=2, X=1 */
  out[1] = (uint8_t)((marker ? 0x80 : 0) | s->pt);
  put16(out + 2, s->seq);
  put32(out + 4, ts);
  put32(out + 8, s->ssrc);
  uint8_t *e = out + 16;
  size_t n = 0;
  size_t midlen = strlen(s->mid);
  if (ext->ext_mid && midlen > 0) {
    e[n++] = (uint8_t)(ext->ext_mid << 4 | (midlen - 1));
    memcpy(e + n, s->mid, midlen);
    n += midlen;
  }
  if (ext->ext_abs) {
    /* 6.18 fixed-point seconds, 24 bits. */
    uint32_t abs = (uint32_t)(((now_us << 18) / 1000000u) & 0xffffffu);
    e[n++] = (uint8_t)(ext->ext_abs << 4 | 2);
    e[n++] = (uint8_t)(abs >> 16);
    e[n++] = (uint8_t)(abs >> 8);
    e[n++] = (uint8_t)abs;
  }
  if (ext->ext_twcc) {
    e[n++] = (uint8_t)(ext->ext_twcc << 4 | 1);
    put16(e + n, (*twcc_seq)++);
    n += 2;
  }
  if (audio && ext->ext_level) {
    e[n++] = (uint8_t)(ext->ext_level << 4);
    e[n++] = 0x80 | 40; /* voice activity, -40 dBov */
  }
  while (n % 4) e[n++] = 0;
  out[12] = 0xBE;
  out[13] = 0xDE;
  put16(out + 14, (uint16_t)(n / 4));
  size_t h = 16 + n;
  memcpy(out + h, payload, plen);
  if (s->seq == 0xffff) s->roc++;
  s->seq++;
  s->packets++;
  s->octets += plen;
  return h + plen;
}

void media_vp8_frame(uint16_t picture_id, int keyframe, size_t frame_bytes,
                     void (*emit)(void *ctx, const uint8_t *p, size_t n, int last), void *ctx) {
  const uint8_t *src = filler();
  const size_t desc = 4; /* X=1, I=1, 15-bit picture id */
  const size_t room = MEDIA_MAX_PAYLOAD - desc;
  if (frame_bytes < 16) frame_bytes = 16;
  size_t packets = (frame_bytes + room - 1) / room;
  size_t per = (frame_bytes + packets - 1) / packets; /* split evenly, as libwebrtc does */
  uint8_t p[MEDIA_MAX_PAYLOAD];
  size_t left = frame_bytes;
  for (size_t i = 0; i < packets; i++) {
    size_t chunk = left < per ? left : per;
    p[0] = (uint8_t)(0x80 | (i == 0 ? 0x10 : 0)); /* X, S on the first packet, partition 0 */
    p[1] = 0x80;                                   /* I: picture id present */
    p[2] = (uint8_t)(0x80 | ((picture_id >> 8) & 0x7f));
    p[3] = (uint8_t)picture_id;
    memcpy(p + desc, src, chunk);
    if (i == 0) {
      /* VP8 frame tag (RFC 6386 §9.1): bit 0 is 0 for a key frame; show_frame set. */
      p[desc] = keyframe ? 0x10 : 0x11;
      if (keyframe) {
        static const uint8_t start[] = {0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01}; /* 640x480 */
        memcpy(p + desc + 3, start, sizeof start);
      }
    }
    emit(ctx, p, desc + chunk, i + 1 == packets);
    left -= chunk;
  }
}

size_t media_opus(uint8_t *out, size_t bytes) {
  const uint8_t *src = filler();
  if (bytes < 2) bytes = 2;
  out[0] = 0x78; /* TOC: config 15 (hybrid FB 20 ms), mono, one frame */
  memcpy(out + 1, src + 7, bytes - 1);
  return bytes;
}

void media_rx_count(media_rx *rx, int *nrx, uint32_t ssrc, uint16_t seq) {
  media_rx *r = NULL;
  for (int i = 0; i < *nrx; i++)
    if (rx[i].ssrc == ssrc) {
      r = &rx[i];
      break;
    }
  if (!r) {
    if (*nrx >= MEDIA_MAX_RX) return;
    r = &rx[(*nrx)++];
    memset(r, 0, sizeof *r);
    r->ssrc = ssrc;
  }
  if (!r->init) {
    r->init = 1;
    r->base_seq = r->max_seq = seq;
  } else {
    uint16_t delta = (uint16_t)(seq - r->max_seq);
    if (delta != 0 && delta < 0x8000) {
      if (seq < r->max_seq) r->cycles += 65536;
      r->max_seq = seq;
    }
  }
  r->received++;
}

uint64_t media_rx_expected(const media_rx *r) {
  if (!r->init) return 0;
  return (uint64_t)r->cycles + r->max_seq - r->base_seq + 1;
}

static void ntp_now(uint32_t *hi, uint32_t *lo) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  *hi = (uint32_t)(t.tv_sec + 2208988800u);
  *lo = (uint32_t)(((uint64_t)t.tv_nsec << 32) / 1000000000u);
}

static size_t report_blocks(uint8_t *out, media_rx *rx, int nrx) {
  size_t n = 0;
  for (int i = 0; i < nrx && i < 31; i++) {
    media_rx *r = &rx[i];
    uint64_t expected = media_rx_expected(r);
    int64_t lost = (int64_t)expected - (int64_t)r->received;
    if (lost < 0) lost = 0;
    uint64_t exp_int = expected - r->expected_prior, rcv_int = r->received - r->received_prior;
    uint8_t fraction = 0;
    if (exp_int > rcv_int && exp_int > 0) fraction = (uint8_t)(((exp_int - rcv_int) << 8) / exp_int);
    r->expected_prior = expected;
    r->received_prior = r->received;
    put32(out + n, r->ssrc);
    put32(out + n + 4, (uint32_t)fraction << 24 | ((uint32_t)lost & 0xffffff));
    put32(out + n + 8, r->cycles + r->max_seq);
    put32(out + n + 12, 0); /* jitter */
    put32(out + n + 16, 0); /* LSR: the sender reports are not decrypted */
    put32(out + n + 20, 0); /* DLSR */
    n += 24;
  }
  return n;
}

size_t media_rtcp(uint8_t *out, uint32_t own_ssrc, media_stream *const *send, int nsend,
                  media_rx *rx, int nrx, uint64_t now_us, uint64_t start_us) {
  size_t n = 0;
  int blocks = nrx < 31 ? nrx : 31;
  if (nsend == 0) {
    out[0] = (uint8_t)(0x80 | blocks);
    out[1] = 201; /* RR */
    put32(out + 4, own_ssrc);
    size_t b = report_blocks(out + 8, rx, nrx);
    put16(out + 2, (uint16_t)((8 + b) / 4 - 1));
    n = 8 + b;
  }
  for (int i = 0; i < nsend; i++) {
    media_stream *s = send[i];
    uint8_t *p = out + n;
    int with_blocks = i == 0 ? blocks : 0;
    p[0] = (uint8_t)(0x80 | with_blocks);
    p[1] = 200; /* SR */
    put32(p + 4, s->ssrc);
    uint32_t hi, lo;
    ntp_now(&hi, &lo);
    put32(p + 8, hi);
    put32(p + 12, lo);
    put32(p + 16, s->ts_base + (uint32_t)((now_us - start_us) * s->clock / 1000000u));
    put32(p + 20, (uint32_t)s->packets);
    put32(p + 24, (uint32_t)s->octets);
    size_t b = with_blocks ? report_blocks(p + 28, rx, nrx) : 0;
    put16(p + 2, (uint16_t)((28 + b) / 4 - 1));
    n += 28 + b;
  }
  /* SDES with one CNAME chunk. */
  static const char cname[] = "loadgen";
  uint8_t *p = out + n;
  p[0] = 0x81;
  p[1] = 202;
  put32(p + 4, nsend ? send[0]->ssrc : own_ssrc);
  p[8] = 1; /* CNAME */
  p[9] = (uint8_t)(sizeof cname - 1);
  memcpy(p + 10, cname, sizeof cname - 1);
  size_t len = 10 + sizeof cname - 1;
  p[len++] = 0; /* end of items */
  while (len % 4) p[len++] = 0;
  put16(p + 2, (uint16_t)(len / 4 - 1));
  return n + len;
}

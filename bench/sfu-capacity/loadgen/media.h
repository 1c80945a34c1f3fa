/* What a browser's send side puts on the wire: VP8 frames split into RTP packets with the RFC 7741
 * payload descriptor, Opus 20 ms packets, the header extensions Chromium sends (one-byte form), and
 * compound RTCP. The receive side counts RTP per SSRC (RFC 3550 A.1) for receiver reports. */
#ifndef LOADGEN_MEDIA_H
#define LOADGEN_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#define MEDIA_MAX_PACKET 1300
#define MEDIA_MAX_PAYLOAD 1200
#define MEDIA_MAX_RX 16

typedef struct {
  uint8_t ext_mid, ext_abs, ext_twcc, ext_level; /* 0 = not negotiated */
} media_ext_ids;

typedef struct {
  uint32_t ssrc;
  uint8_t pt;
  char mid[16];
  uint16_t seq;
  uint32_t roc; /* SRTP rollover counter */
  uint32_t ts_base;
  uint32_t clock; /* Hz */
  uint64_t packets, octets;
} media_stream;

typedef struct {
  uint32_t ssrc;
  int init;
  uint16_t base_seq, max_seq;
  uint32_t cycles;
  uint64_t received;
  uint64_t expected_prior, received_prior; /* at the last receiver report */
} media_rx;

/* Writes one RTP packet (header, extensions, payload) into out; returns its length. */
size_t media_rtp(uint8_t *out, media_stream *s, const media_ext_ids *ext, uint16_t *twcc_seq,
                 uint32_t ts, int marker, uint64_t now_us, const uint8_t *payload, size_t plen,
                 int audio);
/* The VP8 packets of one frame: calls emit(ctx, payload, len, last) for each packet's payload
 * (descriptor + VP8 data). frame_bytes is the VP8 frame's size. */
void media_vp8_frame(uint16_t picture_id, int keyframe, size_t frame_bytes,
                     void (*emit)(void *ctx, const uint8_t *p, size_t n, int last), void *ctx);
/* An Opus packet's payload (TOC byte + data); returns its length. */
size_t media_opus(uint8_t *out, size_t bytes);

/* Counts one received RTP packet. */
void media_rx_count(media_rx *rx, int *nrx, uint32_t ssrc, uint16_t seq);
uint64_t media_rx_expected(const media_rx *r);

/* A compound RTCP packet: SR for each sending stream (or an RR when there is none) carrying report
 * blocks for what was received, then SDES CNAME. Returns its length. */
size_t media_rtcp(uint8_t *out, uint32_t own_ssrc, media_stream *const *send, int nsend,
                  media_rx *rx, int nrx, uint64_t now_us, uint64_t start_us);

#endif

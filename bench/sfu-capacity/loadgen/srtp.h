/* SRTP/SRTCP protect for AES_CM_128_HMAC_SHA1_80 (RFC 3711) on OpenSSL primitives. */
#ifndef LOADGEN_SRTP_H
#define LOADGEN_SRTP_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define SRTP_MASTER_KEY_LEN 16
#define SRTP_MASTER_SALT_LEN 14
#define SRTP_AUTH_KEY_LEN 20
#define SRTP_TAG_LEN 10
/* Room a caller leaves after an RTP packet (tag) or an RTCP packet (E|index + tag). */
#define SRTP_MAX_TRAILER 14

typedef struct {
  uint8_t key[16];
  uint8_t salt[14];
  uint8_t auth[SRTP_AUTH_KEY_LEN];
} srtp_session_keys;

typedef struct {
  srtp_session_keys rtp, rtcp;
  EVP_CIPHER_CTX *rtp_cipher, *rtcp_cipher;
  HMAC_CTX *rtp_hmac, *rtcp_hmac;
  uint32_t rtcp_index; /* next SRTCP index (31 bits) */
} srtp_sender;

/* RFC 3711 §4.3.1 with key_derivation_rate 0: n bytes for `label` from the master key and salt. */
int srtp_kdf(const uint8_t master_key[16], const uint8_t master_salt[14], uint8_t label,
             uint8_t *out, size_t n);
/* The six session keys (labels 0-5). */
int srtp_derive(const uint8_t master_key[16], const uint8_t master_salt[14],
                srtp_session_keys *rtp, srtp_session_keys *rtcp);
/* AES-CM keystream (RFC 3711 §4.1.1) for one packet: IV = salt*2^16 ^ ssrc*2^64 ^ index*2^16. */
int srtp_keystream(const uint8_t key[16], const uint8_t salt[14], uint32_t ssrc, uint64_t index,
                   uint8_t *out, size_t n);

int srtp_sender_init(srtp_sender *s, const uint8_t master_key[16], const uint8_t master_salt[14]);
void srtp_sender_free(srtp_sender *s);
/* Protect an RTP packet in place; `len` bytes in, returns the new length (len + 10) or -1.
 * `roc` is the rollover counter of the packet's SSRC. */
int srtp_protect_rtp(srtp_sender *s, uint8_t *pkt, size_t len, uint32_t roc);
/* Protect a compound RTCP packet in place (encrypted, E=1); returns the new length or -1. */
int srtp_protect_rtcp(srtp_sender *s, uint8_t *pkt, size_t len);

#endif

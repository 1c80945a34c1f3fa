/* SRTP/SRTCP protect on OpenSSL primitives: AES_CM_128_HMAC_SHA1_80 (RFC 3711) and
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 7714), the profiles a browser offers. */
#ifndef LOADGEN_SRTP_H
#define LOADGEN_SRTP_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* DTLS-SRTP protection profile ids (RFC 5764, RFC 7714), as OpenSSL numbers them. */
#define SRTP_PROFILE_AES128_CM_SHA1_80 0x0001
#define SRTP_PROFILE_AEAD_AES_128_GCM 0x0007
#define SRTP_PROFILE_AEAD_AES_256_GCM 0x0008

#define SRTP_MAX_KEY_LEN 32
#define SRTP_MAX_SALT_LEN 14
#define SRTP_AUTH_KEY_LEN 20
#define SRTP_TAG_LEN 10
#define SRTP_GCM_TAG_LEN 16
/* Room a caller leaves after an RTP packet (tag) or an RTCP packet (tag + E|index). */
#define SRTP_MAX_TRAILER 20

/* Master key and salt lengths of a profile (0 for an unknown one). */
size_t srtp_key_len(int profile);
size_t srtp_salt_len(int profile);
/* "SRTP_AES128_CM_SHA1_80" etc., for reports. */
const char *srtp_profile_name(int profile);

typedef struct {
  uint8_t key[SRTP_MAX_KEY_LEN];
  uint8_t salt[SRTP_MAX_SALT_LEN];
  uint8_t auth[SRTP_AUTH_KEY_LEN]; /* AES-CM only */
} srtp_session_keys;

typedef struct {
  int profile;
  srtp_session_keys rtp, rtcp;
  EVP_CIPHER_CTX *rtp_cipher, *rtcp_cipher;
  HMAC_CTX *rtp_hmac, *rtcp_hmac; /* AES-CM only */
  uint32_t rtcp_index;            /* next SRTCP index (31 bits) */
} srtp_sender;

/* RFC 3711 §4.3.1 with key_derivation_rate 0: n bytes for `label` from the master key and salt,
 * AES-CM under the master key (AES-256 for a 32-byte key). A GCM master salt (12 bytes) is
 * padded with zeros to 14, as RFC 7714 §11 says. */
int srtp_kdf(int profile, const uint8_t *master_key, const uint8_t *master_salt, uint8_t label,
             uint8_t *out, size_t n);
/* The session keys (labels 0-5; GCM has no authentication keys). */
int srtp_derive(int profile, const uint8_t *master_key, const uint8_t *master_salt,
                srtp_session_keys *rtp, srtp_session_keys *rtcp);
/* AES-128-CM keystream (RFC 3711 §4.1.1) for one packet: IV = salt*2^16 ^ ssrc*2^64 ^ index*2^16. */
int srtp_keystream(const uint8_t key[16], const uint8_t salt[14], uint32_t ssrc, uint64_t index,
                   uint8_t *out, size_t n);

int srtp_sender_init(srtp_sender *s, int profile, const uint8_t *master_key, const uint8_t *master_salt);
void srtp_sender_free(srtp_sender *s);
/* Protect an RTP packet in place; `len` bytes in, returns the new length (len + tag) or -1.
 * `roc` is the rollover counter of the packet's SSRC. */
int srtp_protect_rtp(srtp_sender *s, uint8_t *pkt, size_t len, uint32_t roc);
/* Protect a compound RTCP packet in place (encrypted, E=1); returns the new length or -1. */
int srtp_protect_rtcp(srtp_sender *s, uint8_t *pkt, size_t len);

#endif

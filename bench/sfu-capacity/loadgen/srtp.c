#include "srtp.h"

#include <string.h>

static int is_gcm(int profile) {
  return profile == SRTP_PROFILE_AEAD_AES_128_GCM || profile == SRTP_PROFILE_AEAD_AES_256_GCM;
}

size_t srtp_key_len(int profile) {
  switch (profile) {
    case SRTP_PROFILE_AES128_CM_SHA1_80:
    case SRTP_PROFILE_AEAD_AES_128_GCM: return 16;
    case SRTP_PROFILE_AEAD_AES_256_GCM: return 32;
    default: return 0;
  }
}

size_t srtp_salt_len(int profile) {
  if (profile == SRTP_PROFILE_AES128_CM_SHA1_80) return 14;
  return is_gcm(profile) ? 12 : 0;
}

const char *srtp_profile_name(int profile) {
  switch (profile) {
    case SRTP_PROFILE_AES128_CM_SHA1_80: return "SRTP_AES128_CM_SHA1_80";
    case SRTP_PROFILE_AEAD_AES_128_GCM: return "SRTP_AEAD_AES_128_GCM";
    case SRTP_PROFILE_AEAD_AES_256_GCM: return "SRTP_AEAD_AES_256_GCM";
    default: return "unknown";
  }
}

static const EVP_CIPHER *ctr_cipher(size_t key_len) {
  return key_len == 32 ? EVP_aes_256_ctr() : EVP_aes_128_ctr();
}

static void make_iv(uint8_t iv[16], const uint8_t salt[14], uint32_t ssrc, uint64_t index) {
  memset(iv, 0, 16);
  memcpy(iv, salt, 14);
  /* ssrc * 2^64: bytes 4..7 of the 128-bit block. */
  iv[4] ^= (uint8_t)(ssrc >> 24);
  iv[5] ^= (uint8_t)(ssrc >> 16);
  iv[6] ^= (uint8_t)(ssrc >> 8);
  iv[7] ^= (uint8_t)ssrc;
  /* index * 2^16 (48 bits): bytes 8..13. */
  for (int i = 0; i < 6; i++) iv[13 - i] ^= (uint8_t)(index >> (8 * i));
}

static int ctr_xor(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, const uint8_t *key, const uint8_t iv[16],
                   uint8_t *buf, size_t n) {
  int outl = 0;
  if (EVP_EncryptInit_ex(ctx, cipher, NULL, key, iv) != 1) return -1;
  if (n == 0) return 0;
  if (EVP_EncryptUpdate(ctx, buf, &outl, buf, (int)n) != 1) return -1;
  return 0;
}

static int keystream(const EVP_CIPHER *cipher, const uint8_t *key, const uint8_t salt[14], uint32_t ssrc,
                     uint64_t index, uint8_t *out, size_t n) {
  uint8_t iv[16];
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (!ctx) return -1;
  make_iv(iv, salt, ssrc, index);
  memset(out, 0, n);
  int rc = ctr_xor(ctx, cipher, key, iv, out, n);
  EVP_CIPHER_CTX_free(ctx);
  return rc;
}

int srtp_keystream(const uint8_t key[16], const uint8_t salt[14], uint32_t ssrc, uint64_t index,
                   uint8_t *out, size_t n) {
  return keystream(EVP_aes_128_ctr(), key, salt, ssrc, index, out, n);
}

int srtp_kdf(int profile, const uint8_t *master_key, const uint8_t *master_salt, uint8_t label,
             uint8_t *out, size_t n) {
  size_t key_len = srtp_key_len(profile), salt_len = srtp_salt_len(profile);
  if (!key_len) return -1;
  /* x = key_id XOR master_salt, key_id = label || (index DIV kdr = 0) as 56 bits right-aligned in
   * the 112-bit salt: the label lands on byte 7. The keystream is AES-CM under the master key with
   * IV = x * 2^16, which is make_iv with ssrc 0 and index 0. */
  uint8_t x[14] = {0};
  memcpy(x, master_salt, salt_len);
  x[7] ^= label;
  return keystream(ctr_cipher(key_len), master_key, x, 0, 0, out, n);
}

int srtp_derive(int profile, const uint8_t *master_key, const uint8_t *master_salt,
                srtp_session_keys *rtp, srtp_session_keys *rtcp) {
  size_t k = srtp_key_len(profile), s = srtp_salt_len(profile);
  if (!k) return -1;
  memset(rtp, 0, sizeof *rtp);
  memset(rtcp, 0, sizeof *rtcp);
  if (srtp_kdf(profile, master_key, master_salt, 0, rtp->key, k) ||
      srtp_kdf(profile, master_key, master_salt, 2, rtp->salt, s) ||
      srtp_kdf(profile, master_key, master_salt, 3, rtcp->key, k) ||
      srtp_kdf(profile, master_key, master_salt, 5, rtcp->salt, s))
    return -1;
  if (is_gcm(profile)) return 0;
  if (srtp_kdf(profile, master_key, master_salt, 1, rtp->auth, 20) ||
      srtp_kdf(profile, master_key, master_salt, 4, rtcp->auth, 20))
    return -1;
  return 0;
}

int srtp_sender_init(srtp_sender *s, int profile, const uint8_t *master_key, const uint8_t *master_salt) {
  memset(s, 0, sizeof *s);
  s->profile = profile;
  if (srtp_derive(profile, master_key, master_salt, &s->rtp, &s->rtcp)) return -1;
  s->rtp_cipher = EVP_CIPHER_CTX_new();
  s->rtcp_cipher = EVP_CIPHER_CTX_new();
  if (!s->rtp_cipher || !s->rtcp_cipher) return -1;
  /* Set the keys once; each packet then only changes the IV. */
  if (is_gcm(profile)) {
    const EVP_CIPHER *gcm = srtp_key_len(profile) == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
    if (EVP_EncryptInit_ex(s->rtp_cipher, gcm, NULL, s->rtp.key, NULL) != 1) return -1;
    if (EVP_EncryptInit_ex(s->rtcp_cipher, gcm, NULL, s->rtcp.key, NULL) != 1) return -1;
    return 0;
  }
  s->rtp_hmac = HMAC_CTX_new();
  s->rtcp_hmac = HMAC_CTX_new();
  if (!s->rtp_hmac || !s->rtcp_hmac) return -1;
  uint8_t zero_iv[16] = {0};
  if (EVP_EncryptInit_ex(s->rtp_cipher, EVP_aes_128_ctr(), NULL, s->rtp.key, zero_iv) != 1) return -1;
  if (EVP_EncryptInit_ex(s->rtcp_cipher, EVP_aes_128_ctr(), NULL, s->rtcp.key, zero_iv) != 1) return -1;
  if (HMAC_Init_ex(s->rtp_hmac, s->rtp.auth, 20, EVP_sha1(), NULL) != 1) return -1;
  if (HMAC_Init_ex(s->rtcp_hmac, s->rtcp.auth, 20, EVP_sha1(), NULL) != 1) return -1;
  return 0;
}

void srtp_sender_free(srtp_sender *s) {
  EVP_CIPHER_CTX_free(s->rtp_cipher);
  EVP_CIPHER_CTX_free(s->rtcp_cipher);
  HMAC_CTX_free(s->rtp_hmac);
  HMAC_CTX_free(s->rtcp_hmac);
  memset(s, 0, sizeof *s);
}

static int tag(HMAC_CTX *h, const uint8_t *data, size_t len, const uint8_t trailer[4], uint8_t *out) {
  uint8_t mac[20];
  unsigned int maclen = 0;
  /* NULL key: the same key as before (HMAC_Init_ex keeps it). */
  if (HMAC_Init_ex(h, NULL, 0, NULL, NULL) != 1 || HMAC_Update(h, data, len) != 1 ||
      (trailer && HMAC_Update(h, trailer, 4) != 1) || HMAC_Final(h, mac, &maclen) != 1)
    return -1;
  memcpy(out, mac, SRTP_TAG_LEN);
  return 0;
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* RFC 7714 §8.1 / §9.1: the 12-byte IV, 00 00 || SSRC || word1 (4) || word2 (2 or 4, right-aligned),
 * XOR the session salt. RTP: ROC then SEQ; RTCP: 00 00 then the 31-bit SRTCP index. */
static void gcm_iv(uint8_t iv[12], const uint8_t salt[12], uint32_t ssrc, uint32_t high, uint32_t low) {
  iv[0] = iv[1] = 0;
  put32(iv + 2, ssrc);
  /* bytes 6..11 hold the 48 bits high << 16 | low (ROC || SEQ, or 0 || index) */
  uint64_t v = ((uint64_t)high << 16) ^ low;
  for (int i = 0; i < 6; i++) iv[11 - i] = (uint8_t)(v >> (8 * i));
  for (int i = 0; i < 12; i++) iv[i] ^= salt[i];
}

/* AES-GCM over `n` bytes at `p` in place, with the AAD given in up to two parts; the tag goes to `t`. */
static int gcm_seal(EVP_CIPHER_CTX *ctx, const uint8_t iv[12], const uint8_t *aad1, size_t aad1_len,
                    const uint8_t *aad2, size_t aad2_len, uint8_t *p, size_t n, uint8_t *t) {
  int outl = 0;
  if (EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, iv) != 1) return -1;
  if (EVP_EncryptUpdate(ctx, NULL, &outl, aad1, (int)aad1_len) != 1) return -1;
  if (aad2 && EVP_EncryptUpdate(ctx, NULL, &outl, aad2, (int)aad2_len) != 1) return -1;
  if (n && EVP_EncryptUpdate(ctx, p, &outl, p, (int)n) != 1) return -1;
  if (EVP_EncryptFinal_ex(ctx, p + n, &outl) != 1) return -1;
  return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, SRTP_GCM_TAG_LEN, t) == 1 ? 0 : -1;
}

/* Length of the RTP header (fixed part, CSRCs, extension); -1 if the packet is too short. */
static int rtp_header_len(const uint8_t *pkt, size_t len) {
  if (len < 12) return -1;
  size_t h = 12 + 4u * (pkt[0] & 0x0f);
  if (pkt[0] & 0x10) {
    if (len < h + 4) return -1;
    h += 4 + 4u * ((pkt[h + 2] << 8) | pkt[h + 3]);
  }
  return h <= len ? (int)h : -1;
}

int srtp_protect_rtp(srtp_sender *s, uint8_t *pkt, size_t len, uint32_t roc) {
  int h = rtp_header_len(pkt, len);
  if (h < 0) return -1;
  uint32_t ssrc = ((uint32_t)pkt[8] << 24) | ((uint32_t)pkt[9] << 16) | ((uint32_t)pkt[10] << 8) | pkt[11];
  uint16_t seq = (uint16_t)((pkt[2] << 8) | pkt[3]);
  if (is_gcm(s->profile)) {
    /* The header (extensions included) is authenticated, the payload encrypted. */
    uint8_t iv[12];
    gcm_iv(iv, s->rtp.salt, ssrc, roc, seq);
    if (gcm_seal(s->rtp_cipher, iv, pkt, (size_t)h, NULL, 0, pkt + h, len - (size_t)h, pkt + len)) return -1;
    return (int)len + SRTP_GCM_TAG_LEN;
  }
  uint64_t index = ((uint64_t)roc << 16) | seq;
  uint8_t iv[16];
  make_iv(iv, s->rtp.salt, ssrc, index);
  if (ctr_xor(s->rtp_cipher, NULL, NULL, iv, pkt + h, len - (size_t)h)) return -1;
  uint8_t r[4];
  put32(r, roc);
  if (tag(s->rtp_hmac, pkt, len, r, pkt + len)) return -1;
  return (int)len + SRTP_TAG_LEN;
}

int srtp_protect_rtcp(srtp_sender *s, uint8_t *pkt, size_t len) {
  if (len < 8) return -1;
  uint32_t ssrc = ((uint32_t)pkt[4] << 24) | ((uint32_t)pkt[5] << 16) | ((uint32_t)pkt[6] << 8) | pkt[7];
  uint32_t index = s->rtcp_index;
  s->rtcp_index = (s->rtcp_index + 1) & 0x7fffffff;
  uint8_t e_index[4];
  put32(e_index, 0x80000000u | index);
  if (is_gcm(s->profile)) {
    /* RFC 7714 §9: header (8) || encrypted rest || tag (16) || E|index; the AAD is the header and
     * the E|index word. */
    uint8_t iv[12];
    gcm_iv(iv, s->rtcp.salt, ssrc, 0, index);
    if (gcm_seal(s->rtcp_cipher, iv, pkt, 8, e_index, 4, pkt + 8, len - 8, pkt + len)) return -1;
    memcpy(pkt + len + SRTP_GCM_TAG_LEN, e_index, 4);
    return (int)len + SRTP_GCM_TAG_LEN + 4;
  }
  uint8_t iv[16];
  make_iv(iv, s->rtcp.salt, ssrc, index);
  if (ctr_xor(s->rtcp_cipher, NULL, NULL, iv, pkt + 8, len - 8)) return -1;
  uint8_t *t = pkt + len;
  memcpy(t, e_index, 4);
  /* The tag covers the encrypted packet and the E|index word (RFC 3711 §3.4). */
  if (tag(s->rtcp_hmac, pkt, len + 4, NULL, t + 4)) return -1;
  return (int)len + 4 + SRTP_TAG_LEN;
}

#include "srtp.h"

#include <string.h>

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

static int ctr_xor(EVP_CIPHER_CTX *ctx, const uint8_t *key, const uint8_t iv[16], uint8_t *buf,
                   size_t n) {
  int outl = 0;
  if (EVP_EncryptInit_ex(ctx, key ? EVP_aes_128_ctr() : NULL, NULL, key, iv) != 1) return -1;
  if (n == 0) return 0;
  if (EVP_EncryptUpdate(ctx, buf, &outl, buf, (int)n) != 1) return -1;
  return 0;
}

int srtp_keystream(const uint8_t key[16], const uint8_t salt[14], uint32_t ssrc, uint64_t index,
                   uint8_t *out, size_t n) {
  uint8_t iv[16];
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (!ctx) return -1;
  make_iv(iv, salt, ssrc, index);
  memset(out, 0, n);
  int rc = ctr_xor(ctx, key, iv, out, n);
  EVP_CIPHER_CTX_free(ctx);
  return rc;
}

int srtp_kdf(const uint8_t master_key[16], const uint8_t master_salt[14], uint8_t label,
             uint8_t *out, size_t n) {
  /* x = key_id XOR master_salt, key_id = label || (index DIV kdr = 0) as 56 bits right-aligned in
   * the 112-bit salt: the label lands on byte 7. The keystream is AES-CM under the master key with
   * IV = x * 2^16, which is make_iv with ssrc 0 and index 0. */
  uint8_t x[14];
  memcpy(x, master_salt, 14);
  x[7] ^= label;
  return srtp_keystream(master_key, x, 0, 0, out, n);
}

int srtp_derive(const uint8_t master_key[16], const uint8_t master_salt[14],
                srtp_session_keys *rtp, srtp_session_keys *rtcp) {
  if (srtp_kdf(master_key, master_salt, 0, rtp->key, 16) || srtp_kdf(master_key, master_salt, 1, rtp->auth, 20) ||
      srtp_kdf(master_key, master_salt, 2, rtp->salt, 14) || srtp_kdf(master_key, master_salt, 3, rtcp->key, 16) ||
      srtp_kdf(master_key, master_salt, 4, rtcp->auth, 20) || srtp_kdf(master_key, master_salt, 5, rtcp->salt, 14))
    return -1;
  return 0;
}

int srtp_sender_init(srtp_sender *s, const uint8_t master_key[16], const uint8_t master_salt[14]) {
  memset(s, 0, sizeof *s);
  if (srtp_derive(master_key, master_salt, &s->rtp, &s->rtcp)) return -1;
  s->rtp_cipher = EVP_CIPHER_CTX_new();
  s->rtcp_cipher = EVP_CIPHER_CTX_new();
  s->rtp_hmac = HMAC_CTX_new();
  s->rtcp_hmac = HMAC_CTX_new();
  if (!s->rtp_cipher || !s->rtcp_cipher || !s->rtp_hmac || !s->rtcp_hmac) return -1;
  uint8_t zero_iv[16] = {0};
  /* Set the keys once; each packet then only changes the IV. */
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
  uint64_t index = ((uint64_t)roc << 16) | seq;
  uint8_t iv[16];
  make_iv(iv, s->rtp.salt, ssrc, index);
  if (ctr_xor(s->rtp_cipher, NULL, iv, pkt + h, len - (size_t)h)) return -1;
  uint8_t r[4] = {(uint8_t)(roc >> 24), (uint8_t)(roc >> 16), (uint8_t)(roc >> 8), (uint8_t)roc};
  if (tag(s->rtp_hmac, pkt, len, r, pkt + len)) return -1;
  return (int)len + SRTP_TAG_LEN;
}

int srtp_protect_rtcp(srtp_sender *s, uint8_t *pkt, size_t len) {
  if (len < 8) return -1;
  uint32_t ssrc = ((uint32_t)pkt[4] << 24) | ((uint32_t)pkt[5] << 16) | ((uint32_t)pkt[6] << 8) | pkt[7];
  uint32_t index = s->rtcp_index;
  s->rtcp_index = (s->rtcp_index + 1) & 0x7fffffff;
  uint8_t iv[16];
  make_iv(iv, s->rtcp.salt, ssrc, index);
  if (ctr_xor(s->rtcp_cipher, NULL, iv, pkt + 8, len - 8)) return -1;
  uint32_t e_index = 0x80000000u | index;
  uint8_t *t = pkt + len;
  t[0] = (uint8_t)(e_index >> 24);
  t[1] = (uint8_t)(e_index >> 16);
  t[2] = (uint8_t)(e_index >> 8);
  t[3] = (uint8_t)e_index;
  /* The tag covers the encrypted packet and the E|index word (RFC 3711 §3.4). */
  if (tag(s->rtcp_hmac, pkt, len + 4, NULL, t + 4)) return -1;
  return (int)len + 4 + SRTP_TAG_LEN;
}

#include "stun.h"

#include <string.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#define MAGIC 0x2112A442u

/* CRC-32 (ISO-HDLC, as zlib's crc32), bitwise: a STUN message is a hundred bytes. */
static uint32_t crc32_iso(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return ~c;
}

static size_t put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
  return 2;
}
static size_t put32(uint8_t *p, uint32_t v) {
  put16(p, (uint16_t)(v >> 16));
  put16(p + 2, (uint16_t)v);
  return 4;
}
static size_t attr(uint8_t *p, uint16_t type, const void *val, size_t n) {
  put16(p, type);
  put16(p + 2, (uint16_t)n);
  memcpy(p + 4, val, n);
  size_t padded = (n + 3) & ~(size_t)3;
  memset(p + 4 + n, 0, padded - n);
  return 4 + padded;
}

int stun_binding_request(uint8_t *out, uint8_t txid[12], const char *username, const char *key,
                         uint64_t tiebreaker) {
  size_t ulen = strlen(username);
  if (ulen > 128) return -1;
  RAND_bytes(txid, 12);
  size_t n = 0;
  n += put16(out + n, 0x0001); /* binding request */
  n += put16(out + n, 0);      /* length, set below */
  n += put32(out + n, MAGIC);
  memcpy(out + n, txid, 12);
  n += 12;
  n += attr(out + n, 0x0006, username, ulen); /* USERNAME */
  uint8_t prio[4];
  put32(prio, (110u << 24) | (65535u << 8) | 255u); /* a host candidate's priority, RFC 8445 §5.1.2.1 */
  n += attr(out + n, 0x0024, prio, 4);              /* PRIORITY */
  uint8_t tb[8];
  put32(tb, (uint32_t)(tiebreaker >> 32));
  put32(tb + 4, (uint32_t)tiebreaker);
  n += attr(out + n, 0x802A, tb, 8); /* ICE-CONTROLLING */
  n += attr(out + n, 0x0025, "", 0); /* USE-CANDIDATE: the controlling agent nominates at once */
  /* MESSAGE-INTEGRITY: HMAC-SHA1 over the message so far, its length counting the attribute. */
  put16(out + 2, (uint16_t)(n - 20 + 24));
  uint8_t mac[20];
  unsigned int maclen = 0;
  HMAC(EVP_sha1(), key, (int)strlen(key), out, n, mac, &maclen);
  n += attr(out + n, 0x0008, mac, 20);
  /* FINGERPRINT: CRC-32 of the message so far (length counting it) XOR 0x5354554e. */
  put16(out + 2, (uint16_t)(n - 20 + 8));
  uint8_t fp[4];
  put32(fp, crc32_iso(out, n) ^ 0x5354554eu);
  n += attr(out + n, 0x8028, fp, 4);
  return (int)n;
}

int stun_check_response(const uint8_t *pkt, size_t len, const uint8_t txid[12]) {
  if (len < 20) return 0;
  uint16_t type = (uint16_t)((pkt[0] << 8) | pkt[1]);
  uint32_t magic = ((uint32_t)pkt[4] << 24) | ((uint32_t)pkt[5] << 16) | ((uint32_t)pkt[6] << 8) | pkt[7];
  if (magic != MAGIC || memcmp(pkt + 8, txid, 12) != 0) return 0;
  if (type == 0x0101) return 1;
  if (type == 0x0111) return -1;
  return 0;
}

/* The DTLS 1.2 client of a WebRTC endpoint (RFC 5763/5764): a self-signed certificate announced by
 * its SHA-256 fingerprint, use_srtp with the profiles given (a browser offers
 * SRTP_AEAD_AES_256_GCM:SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80), keys exported for SRTP.
 * The datagrams go through memory BIOs, one at a time, as mediasoup's own DtlsTransport does. */
#ifndef LOADGEN_DTLS_H
#define LOADGEN_DTLS_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>

typedef struct {
  SSL_CTX *ctx;
  char fingerprint[32 * 3]; /* "AB:CD:…" of our certificate */
} dtls_context;

typedef struct {
  SSL *ssl;
  BIO *rbio, *wbio;
  char expected_fp[32 * 3]; /* the server's, from its dtlsParameters */
  int done;                 /* 1 handshake done, -1 failed */
  int profile;               /* the SRTP protection profile the server chose */
  uint8_t client_key[32], client_salt[14], server_key[32], server_salt[14];
} dtls_client;

/* `srtp_profiles`: OpenSSL's colon-separated list, in order of preference. */
int dtls_context_init(dtls_context *c, const char *srtp_profiles);
int dtls_client_init(dtls_client *d, dtls_context *c, const char *server_fingerprint);
void dtls_client_free(dtls_client *d);
/* Starts or advances the handshake with one datagram received (pkt may be NULL); returns the state
 * (0 in progress, 1 done, -1 failed). Outgoing datagrams are then in dtls_client_pending. */
int dtls_client_feed(dtls_client *d, const uint8_t *pkt, size_t len);
/* Retransmits on timeout. */
void dtls_client_tick(dtls_client *d);
/* Takes what OpenSSL wrote (one datagram); returns its length, 0 when nothing is pending. */
int dtls_client_pending(dtls_client *d, uint8_t *out, size_t cap);
/* Why the handshake failed, for the driver. */
const char *dtls_client_error(const dtls_client *d);

#endif

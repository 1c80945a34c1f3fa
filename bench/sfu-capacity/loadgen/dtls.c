#include "dtls.h"
#include "srtp.h"

#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

static const char *last_error = "";

static void fingerprint_of(X509 *cert, char *out) {
  uint8_t md[32];
  unsigned int n = 0;
  X509_digest(cert, EVP_sha256(), md, &n);
  for (unsigned int i = 0; i < n; i++) sprintf(out + 3 * i, i + 1 < n ? "%02X:" : "%02X", md[i]);
}

/* The server's certificate is self-signed: what authenticates it is the fingerprint signalled in
 * its dtlsParameters, checked after the handshake. */
static int accept_any(int ok, X509_STORE_CTX *store) {
  (void)ok;
  (void)store;
  return 1;
}

int dtls_context_init(dtls_context *c, const char *srtp_profiles) {
  memset(c, 0, sizeof *c);
  EVP_PKEY *key = EVP_EC_gen("prime256v1");
  X509 *cert = X509_new();
  if (!key || !cert) return -1;
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -86400);
  X509_gmtime_adj(X509_getm_notAfter(cert), 30L * 86400);
  X509_set_pubkey(cert, key);
  X509_NAME *name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"loadgen", -1, -1, 0);
  X509_set_issuer_name(cert, name);
  if (!X509_sign(cert, key, EVP_sha256())) return -1;
  c->ctx = SSL_CTX_new(DTLS_client_method());
  if (!c->ctx) return -1;
  SSL_CTX_set_min_proto_version(c->ctx, DTLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(c->ctx, DTLS1_2_VERSION);
  if (SSL_CTX_use_certificate(c->ctx, cert) != 1 || SSL_CTX_use_PrivateKey(c->ctx, key) != 1) return -1;
  /* 0 on success, unlike most of OpenSSL. */
  if (SSL_CTX_set_tlsext_use_srtp(c->ctx, srtp_profiles) != 0) return -1;
  SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any);
  SSL_CTX_set_options(c->ctx, SSL_OP_NO_QUERY_MTU);
  fingerprint_of(cert, c->fingerprint);
  X509_free(cert);
  EVP_PKEY_free(key);
  return 0;
}

int dtls_client_init(dtls_client *d, dtls_context *c, const char *server_fingerprint) {
  memset(d, 0, sizeof *d);
  snprintf(d->expected_fp, sizeof d->expected_fp, "%s", server_fingerprint);
  d->ssl = SSL_new(c->ctx);
  d->rbio = BIO_new(BIO_s_mem());
  d->wbio = BIO_new(BIO_s_mem());
  if (!d->ssl || !d->rbio || !d->wbio) return -1;
  BIO_set_mem_eof_return(d->rbio, -1);
  BIO_set_mem_eof_return(d->wbio, -1);
  SSL_set_bio(d->ssl, d->rbio, d->wbio);
  SSL_set_mtu(d->ssl, 1200);
  DTLS_set_link_mtu(d->ssl, 1200);
  SSL_set_connect_state(d->ssl);
  return 0;
}

void dtls_client_free(dtls_client *d) {
  if (d->ssl) SSL_free(d->ssl); /* frees both BIOs */
  memset(d, 0, sizeof *d);
}

static int finish(dtls_client *d) {
  const SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(d->ssl);
  if (!p || !srtp_key_len((int)p->id)) {
    last_error = "server chose no SRTP profile we offered";
    return d->done = -1;
  }
  d->profile = (int)p->id;
  X509 *peer = SSL_get1_peer_certificate(d->ssl);
  char fp[32 * 3];
  if (!peer) {
    last_error = "server sent no certificate";
    return d->done = -1;
  }
  fingerprint_of(peer, fp);
  X509_free(peer);
  if (strcasecmp(fp, d->expected_fp) != 0) {
    last_error = "server certificate does not match its fingerprint";
    return d->done = -1;
  }
  /* RFC 5764 §4.2: client key, server key, client salt, server salt. */
  size_t k = srtp_key_len(d->profile), sl = srtp_salt_len(d->profile);
  uint8_t km[2 * 32 + 2 * 14];
  if (SSL_export_keying_material(d->ssl, km, 2 * (k + sl), "EXTRACTOR-dtls_srtp", 19, NULL, 0, 0) != 1) {
    last_error = "keying material export failed";
    return d->done = -1;
  }
  memcpy(d->client_key, km, k);
  memcpy(d->server_key, km + k, k);
  memcpy(d->client_salt, km + 2 * k, sl);
  memcpy(d->server_salt, km + 2 * k + sl, sl);
  return d->done = 1;
}

int dtls_client_feed(dtls_client *d, const uint8_t *pkt, size_t len) {
  if (d->done) return d->done;
  if (pkt && len) BIO_write(d->rbio, pkt, (int)len);
  int rc = SSL_do_handshake(d->ssl);
  if (rc == 1) return finish(d);
  int err = SSL_get_error(d->ssl, rc);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return 0;
  unsigned long e = ERR_get_error();
  static char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  last_error = buf;
  return d->done = -1;
}

void dtls_client_tick(dtls_client *d) {
  if (!d->done && d->ssl) DTLSv1_handle_timeout(d->ssl);
}

int dtls_client_pending(dtls_client *d, uint8_t *out, size_t cap) {
  int n = (int)BIO_ctrl_pending(d->wbio);
  if (n <= 0) return 0;
  if ((size_t)n > cap) n = (int)cap;
  return BIO_read(d->wbio, out, n);
}

const char *dtls_client_error(const dtls_client *d) {
  (void)d;
  return last_error;
}

/* ICE connectivity checks as a controlling ICE agent speaks them to an ICE-lite server (RFC 8445,
 * RFC 5389): binding requests with USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
 * MESSAGE-INTEGRITY and FINGERPRINT. */
#ifndef LOADGEN_STUN_H
#define LOADGEN_STUN_H

#include <stddef.h>
#include <stdint.h>

#define STUN_MAX 256

/* Writes a binding request into out (STUN_MAX bytes) and its transaction id into txid; returns its
 * length. username is "<server ufrag>:<client ufrag>", key the server's ICE password. */
int stun_binding_request(uint8_t *out, uint8_t txid[12], const char *username, const char *key,
                         uint64_t tiebreaker);
/* 1 when pkt is a binding success response for txid, -1 for an error response, 0 otherwise. */
int stun_check_response(const uint8_t *pkt, size_t len, const uint8_t txid[12]);

#endif

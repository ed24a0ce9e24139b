/*
 * codec.h -- base64 (RFC 4648, standard alphabet, padded; and base64url
 * without padding) and lowercase hex,
 * through libsodium's constant-time codecs.
 */
#ifndef REDRESS_CRYPTO_CODEC_H
#define REDRESS_CRYPTO_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Bytes needed to hold the base64 of len bytes, with its NUL. */
#define CODEC_BASE64_SIZE(len) ((((len) + 2) / 3) * 4 + 1)

/*
 * Writes the padded base64 of bin into out (NUL-terminated).  out_size must
 * be at least CODEC_BASE64_SIZE(len); returns REDRESS_E_OVERFLOW otherwise.
 */
enum redress_err codec_base64_encode(const void *bin, size_t len, char *out, size_t out_size,
                                     struct redress_error *err);

/*
 * Decodes exactly the first text_len characters of text (padded base64, no
 * white space) into out; *len_r is the decoded length.  Any other character,
 * missing padding or an output longer than out_size is REDRESS_E_INVALID.
 */
enum redress_err codec_base64_decode(const char *text, size_t text_len, uint8_t *out, size_t out_size,
                                     size_t *len_r, struct redress_error *err);

/* Bytes needed to hold the unpadded base64url of len bytes, with its NUL. */
#define CODEC_BASE64URL_SIZE(len) (((len)*4 + 2) / 3 + 1)

/*
 * Writes the base64url of bin (RFC 4648 section 5, no padding) into out
 * (NUL-terminated): for tokens that travel in headers and URLs.  out_size
 * must be at least CODEC_BASE64URL_SIZE(len); REDRESS_E_OVERFLOW otherwise.
 */
enum redress_err codec_base64url_encode(const void *bin, size_t len, char *out, size_t out_size,
                                        struct redress_error *err);

/* Writes lowercase hex of bin into out; out_size must be >= 2*len+1. */
enum redress_err codec_hex_encode(const void *bin, size_t len, char *out, size_t out_size,
                                  struct redress_error *err);

/*
 * Reads hex_len hex digits (either case, nothing else) into out (at most
 * out_size bytes; *len_r how many).  Anything else, or too long, is
 * REDRESS_E_INVALID.
 */
enum redress_err codec_hex_decode(const char *hex, size_t hex_len, void *out, size_t out_size, size_t *len_r,
                                  struct redress_error *err);

#endif

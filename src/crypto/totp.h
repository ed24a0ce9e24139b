/*
 * totp.h -- the second factor: RFC 6238 time-based one-time passwords,
 * through liboath.
 *
 * What this promises: secrets of TOTP_SECRET_SIZE random bytes, their
 * base32 text for an authenticator app (RFC 4648, no padding, as the
 * otpauth:// URI wants it), and a check of a code that accepts the 30 s
 * step holding unix_now and the one before and after it (clock drift),
 * comparing in constant time, with HMAC-SHA-1 and 6 digits as every
 * authenticator app does.  The matched step is reported so that the
 * caller can refuse a step it has already accepted (a replayed code):
 * this module keeps no state.
 */
#ifndef REDRESS_CRYPTO_TOTP_H
#define REDRESS_CRYPTO_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define TOTP_SECRET_SIZE 20 /* bytes: RFC 4226's recommended 160 bits for HMAC-SHA-1 */
#define TOTP_DIGITS      6
#define TOTP_PERIOD      30 /* seconds in a step */
#define TOTP_DIGITS_MAX  8
/* Base32 text of a TOTP_SECRET_SIZE secret with its NUL: 32 characters. */
#define TOTP_BASE32_SIZE ((TOTP_SECRET_SIZE * 8 + 4) / 5 + 1)

/* Fills secret with TOTP_SECRET_SIZE bytes from the operating system's CSPRNG. */
void totp_secret_new(uint8_t secret[TOTP_SECRET_SIZE]);

/*
 * Writes the base32 of the len bytes of secret (upper case, no padding)
 * into out, NUL-terminated.  REDRESS_E_OVERFLOW when size cannot hold it;
 * REDRESS_E_NOMEM when liboath cannot allocate.  out is "" on failure.
 */
enum redress_err totp_secret_base32(const uint8_t *secret, size_t len, char *out, size_t size,
                                    struct redress_error *err);

/*
 * Checks code (exactly TOTP_DIGITS ASCII digits) against secret at
 * unix_now, accepting the step that holds unix_now and the one before and
 * after.  On a match *step_r (may be NULL) is the matched step,
 * floor(time / TOTP_PERIOD): the caller refuses a step it has accepted
 * before.  A wrong or malformed code is REDRESS_E_REFUSED (the message
 * never repeats the code); a broken secret REDRESS_E_INVALID.
 */
enum redress_err totp_verify(const uint8_t *secret, size_t len, const char *code, uint64_t unix_now,
                             uint64_t *step_r, struct redress_error *err);

/* totp_verify with digits (6 to TOTP_DIGITS_MAX) digits: for RFC 6238's 8-digit test vectors. */
enum redress_err totp_verify_digits(const uint8_t *secret, size_t len, const char *code, unsigned digits,
                                    uint64_t unix_now, uint64_t *step_r, struct redress_error *err);

/*
 * The code of digits (6 to TOTP_DIGITS_MAX) digits for the step holding
 * unix_now, into out (at least digits + 1 bytes).  For tests and for
 * showing that an enrolment works; sign-in only ever verifies.
 */
enum redress_err totp_generate(const uint8_t *secret, size_t len, uint64_t unix_now, unsigned digits,
                               char *out, size_t size, struct redress_error *err);

#endif

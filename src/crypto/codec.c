/*
 * codec.c -- base64 and hex through libsodium, whose decoders are constant
 * time and strict about padding.
 */
#include "crypto/codec.h"

#include <sodium.h>

enum redress_err
codec_base64_encode(const void *bin, size_t len, char *out, size_t out_size, struct redress_error *err)
{
	if (out_size < sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL))
		return error_set(err, REDRESS_E_OVERFLOW, "base64 output buffer too small");
	sodium_bin2base64(out, out_size, bin, len, sodium_base64_VARIANT_ORIGINAL);
	return REDRESS_OK;
}

enum redress_err
codec_base64url_encode(const void *bin, size_t len, char *out, size_t out_size, struct redress_error *err)
{
	if (out_size < sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return error_set(err, REDRESS_E_OVERFLOW, "base64url output buffer too small");
	sodium_bin2base64(out, out_size, bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return REDRESS_OK;
}

enum redress_err
codec_base64_decode(const char *text, size_t text_len, uint8_t *out, size_t out_size, size_t *len_r,
                    struct redress_error *err)
{
	const char *end = NULL;
	size_t len = 0;

	if (sodium_base642bin(out, out_size, text, text_len, NULL, &len, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != text + text_len)
		return error_set(err, REDRESS_E_INVALID, "not valid base64, or longer than %zu bytes",
		                 out_size);
	*len_r = len;
	return REDRESS_OK;
}

enum redress_err
codec_hex_encode(const void *bin, size_t len, char *out, size_t out_size, struct redress_error *err)
{
	if (len > (SIZE_MAX - 1) / 2 || out_size < len * 2 + 1)
		return error_set(err, REDRESS_E_OVERFLOW, "hex output buffer too small");
	sodium_bin2hex(out, out_size, bin, len);
	return REDRESS_OK;
}

enum redress_err
codec_hex_decode(const char *hex, size_t hex_len, void *out, size_t out_size, size_t *len_r,
                 struct redress_error *err)
{
	const char *end = NULL;

	if (sodium_hex2bin(out, out_size, hex, hex_len, NULL, len_r, &end) != 0 || end != hex + hex_len)
		return error_set(err, REDRESS_E_INVALID, "not hex of at most %zu bytes", out_size);
	return REDRESS_OK;
}

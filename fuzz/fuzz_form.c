/*
 * fuzz_form.c -- libFuzzer target for form bodies, multipart/form-data and
 * application/x-www-form-urlencoded, read exactly as the server reads them:
 * by http/form.c over libmicrohttpd's real post processor, inside a real
 * libmicrohttpd daemon.  The daemon has no listening socket and no thread
 * of its own; each input is one connection made from a socketpair
 * (MHD_add_connection), one request written into it, and MHD_run turned
 * until the daemon answers and closes.
 *
 * The input's first byte chooses: bit 0, whether the route takes a file;
 * bits 1-2, the Content-Type: urlencoded, multipart with boundary "xx",
 * multipart with the boundary taken from the input up to its first '\n',
 * or the whole Content-Type taken so.  The rest is the body.
 *
 * Besides crashes (issue 10: a part without a name made the iterator
 * dereference NULL) and undefined behaviour, the target aborts when the
 * form breaks its own bounds: more than HTTP_FORM_FIELDS_MAX fields, a
 * value longer than HTTP_FORM_FIELD_MAX or not found by its name, a file
 * where the route takes none or over HTTP_UPLOAD_MAX, or an answer that
 * never came.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/buf.h"
#include "http/form.h"
#include "http/limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TURNS_MAX 10000

struct one {
	int takes_file;
	struct http_form *form;
	int answered;
};

static struct MHD_Daemon *daemon_;

static void
check(const struct one *o)
{
	size_t i, n = http_form_count(o->form);
	const char *name, *type;
	const struct buf *file;

	if (n > HTTP_FORM_FIELDS_MAX)
		abort();
	for (i = 0; i < n; i++) {
		const char *key = http_form_name(o->form, i), *value = http_form_value(o->form, key);

		if (key[0] == '\0' || strlen(key) > HTTP_FORM_NAME_MAX || value == NULL ||
		    strlen(value) > HTTP_FORM_FIELD_MAX)
			abort();
	}
	file = http_form_file(o->form, &name, &type);
	if (file != NULL && (!o->takes_file || file->len > HTTP_UPLOAD_MAX || name == NULL || type == NULL))
		abort();
	if (http_form_problem_text(http_form_problem(o->form)) == NULL)
		abort();
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method, const char *version,
        const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct one *o = cls;
	struct MHD_Response *r;
	enum MHD_Result ok;

	(void)url;
	(void)method;
	(void)version;
	if (*con_cls == NULL) {
		if ((o->form = http_form_new(conn, o->takes_file)) == NULL)
			return MHD_NO;
		*con_cls = o;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		http_form_feed(o->form, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	check(o);
	o->answered = 1;
	if ((r = MHD_create_response_from_buffer(0, (void *)(uintptr_t) "", MHD_RESPMEM_PERSISTENT)) == NULL)
		return MHD_NO;
	ok = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct one *o = cls;

	(void)conn;
	(void)toe;
	http_form_free(o->form);
	o->form = NULL;
	*con_cls = NULL;
}

/* A header value from the input up to its first '\n', without bytes a header cannot hold. */
static size_t
header_value(const uint8_t **data, size_t *size, char *out, size_t out_size)
{
	size_t n = 0;

	while (*size > 0 && **data != '\n') {
		if (**data >= 0x20 && **data < 0x7f && n + 1 < out_size)
			out[n++] = (char)**data;
		(*data)++;
		(*size)--;
	}
	if (*size > 0) {
		(*data)++;
		(*size)--;
	}
	out[n] = '\0';
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct one o;
	struct sockaddr_in addr;
	struct buf request;
	char type[256], value[200];
	int sv[2], turns;
	size_t sent = 0;
	uint8_t choice;

	if (size < 1)
		return 0;
	choice = data[0];
	data++;
	size--;
	memset(&o, 0, sizeof(o));
	o.takes_file = choice & 1;
	switch ((choice >> 1) & 3) {
	case 0: snprintf(type, sizeof(type), "application/x-www-form-urlencoded"); break;
	case 1: snprintf(type, sizeof(type), "multipart/form-data; boundary=xx"); break;
	case 2:
		header_value(&data, &size, value, sizeof(value));
		snprintf(type, sizeof(type), "multipart/form-data; boundary=%s", value);
		break;
	default: header_value(&data, &size, type, sizeof(type)); break;
	}
	if (daemon_ == NULL && (daemon_ = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, handler,
	                                                   &o, MHD_OPTION_NOTIFY_COMPLETED, completed, &o,
	                                                   MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	                                                   (size_t)HTTP_HEADERS_MAX, MHD_OPTION_END)) == NULL)
		abort();
	buf_init(&request, SIZE_MAX);
	buf_printf(&request,
	           "POST /form HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\nContent-Type: %s\r\n"
	           "Content-Length: %zu\r\n\r\n",
	           type, size);
	buf_append(&request, data, size);
	if (buf_error(&request, NULL) != REDRESS_OK || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		abort();
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (MHD_add_connection(daemon_, sv[0], (const struct sockaddr *)&addr, sizeof(addr)) != MHD_YES)
		abort();
	for (turns = 0; turns < TURNS_MAX; turns++) {
		char reply[4096];
		ssize_t n;

		if (sent < request.len) {
			n = write(sv[1], request.data + sent, request.len - sent);
			if (n > 0)
				sent += (size_t)n;
		}
		MHD_run(daemon_);
		n = read(sv[1], reply, sizeof(reply));
		if (n == 0)
			break; /* answered and closed */
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			break; /* closed on a body it could not read */
	}
	if (turns == TURNS_MAX)
		abort(); /* the daemon neither answered nor closed */
	close(sv[1]);
	/* Let the daemon see the close and free the connection (and the form). */
	for (turns = 0; turns < 100 && o.form != NULL; turns++)
		MHD_run(daemon_);
	if (o.form != NULL)
		abort();
	buf_free(&request);
	return 0;
}

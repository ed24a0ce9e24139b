/*
 * cli_file.c -- reading a whole file named on the command line, with a
 * limit said up front rather than discovered after reading too much; and
 * writing one that only its owner may read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

enum redress_err
cli_read_file(const char *path, size_t max, struct buf *out, struct redress_error *err)
{
	char chunk[65536];
	struct stat sb;
	FILE *f;
	size_t n;
	enum redress_err rc = REDRESS_OK;

	if ((f = fopen(path, "rb")) == NULL)
		return error_set(err, REDRESS_E_IO, "cannot read '%.200s': %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fclose(f);
		return error_set(err, REDRESS_E_IO, "'%.200s' is not a regular file", path);
	}
	if ((uintmax_t)sb.st_size > max) {
		fclose(f);
		return error_set(err, REDRESS_E_INVALID, "'%.200s' is %jd bytes; the limit is %zu", path,
		                 (intmax_t)sb.st_size, max);
	}
	buf_init(out, max);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(out, chunk, n);
	if (ferror(f))
		rc = error_set(err, REDRESS_E_IO, "cannot read '%.200s': %s", path, strerror(errno));
	fclose(f);
	if (rc == REDRESS_OK && buf_error(out, err) != REDRESS_OK)
		rc = error_prefix(err, "'%.200s'", path);
	if (rc != REDRESS_OK)
		buf_free(out);
	return rc;
}

enum redress_err
cli_write_private(const char *path, const char *data, size_t len, struct redress_error *err)
{
	size_t done = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return error_set(err, REDRESS_E_IO, "cannot write %s: %s", path, strerror(errno));
	while (done < len) {
		if ((n = write(fd, data + done, len - done)) < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return error_set(err, REDRESS_E_IO, "cannot write %s: %s", path, strerror(errno));
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0)
		return error_set(err, REDRESS_E_IO, "cannot write %s: %s", path, strerror(errno));
	return REDRESS_OK;
}

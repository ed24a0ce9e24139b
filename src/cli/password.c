/*
 * password.c -- reading a staff password for the command line: the first
 * line of a file, or typed on the terminal with echo off.  The caller's
 * buffer holds it; the caller wipes it (explicit_bzero) once used.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"

/* Ends the line in buf at len: no newline, no carriage return from a file written on Windows. */
static enum redress_err
line_end(char *buf, size_t len, const char *where, struct redress_error *err)
{
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (len == 0)
		return error_set(err, REDRESS_E_INVALID, "%s: the password is empty", where);
	return REDRESS_OK;
}

enum redress_err
cli_password_from_file(const char *path, char *out, size_t size, struct redress_error *err)
{
	char where[CLI_PATH_MAX + 32];
	FILE *f;
	size_t len = 0;
	int c;

	snprintf(where, sizeof(where), "password file '%.200s'", path);
	if ((f = fopen(path, "r")) == NULL)
		return error_set(err, REDRESS_E_IO, "cannot read the %s: %s", where, strerror(errno));
	while ((c = getc(f)) != EOF && c != '\n') {
		if (c == '\0' || len + 1 >= size) {
			fclose(f);
			explicit_bzero(out, size);
			return error_set(err, REDRESS_E_INVALID,
			                 c == '\0' ? "%s: the first line holds a NUL byte"
			                           : "%s: the first line is longer than a password may be",
			                 where);
		}
		out[len++] = (char)c;
	}
	if (ferror(f)) {
		fclose(f);
		explicit_bzero(out, size);
		return error_set(err, REDRESS_E_IO, "cannot read the %s", where);
	}
	fclose(f);
	return line_end(out, len, where, err);
}

/*
 * The terminal's settings while echo is off, so that a signal that ends
 * the process gives the person their echo back.
 */
static volatile sig_atomic_t tty_fd = -1;
static struct termios tty_saved;

static void
tty_restore_and_die(int sig)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

enum redress_err
cli_password_ask(const char *prompt, char *out, size_t size, struct redress_error *err)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};
	struct sigaction sa, old[sizeof(sigs) / sizeof(sigs[0])];
	struct termios quiet;
	enum redress_err rc = REDRESS_OK;
	size_t len = 0, i;
	ssize_t n;
	char c;
	int fd;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) < 0)
		return error_set(err, REDRESS_E_IO, "cannot open the terminal to ask for a password: %s",
		                 strerror(errno));
	if (tcgetattr(fd, &tty_saved) != 0) {
		close(fd);
		return error_set(err, REDRESS_E_IO, "cannot turn the terminal's echo off: %s",
		                 strerror(errno));
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tty_restore_and_die;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, &old[i]);
	quiet = tty_saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	tty_fd = fd;
	if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
		rc = error_set(err, REDRESS_E_IO, "cannot ask for a password on the terminal: %s",
		               strerror(errno));
		goto out;
	}
	while ((n = read(fd, &c, 1)) == 1 && c != '\n') {
		if (len + 1 >= size) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "the password typed is longer than a password may be");
			break;
		}
		out[len++] = c;
	}
	if (rc == REDRESS_OK && n < 0)
		rc = error_set(err, REDRESS_E_IO, "cannot read the password from the terminal: %s",
		               strerror(errno));
	else if (rc == REDRESS_OK && n == 0 && len == 0)
		rc = error_set(err, REDRESS_E_INVALID, "no password was typed");
out:
	tcsetattr(fd, TCSAFLUSH, &tty_saved);
	tty_fd = -1;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &old[i], NULL);
	if (write(fd, "\n", 1) < 0) {
		/* The prompt's line stays open; nothing to undo. */
	}
	close(fd);
	explicit_bzero(&c, sizeof(c));
	if (rc != REDRESS_OK) {
		explicit_bzero(out, size);
		return rc;
	}
	return line_end(out, len, "the terminal", err);
}

enum redress_err
cli_password_for(const char *name, char *out, size_t size, struct redress_error *err)
{
	const char *file = getenv("REDRESS_PASSWORD_FILE");
	char prompt[USER_NAME_MAX + 32];

	if (file != NULL && *file != '\0')
		return cli_password_from_file(file, out, size, err);
	if (!isatty(STDIN_FILENO))
		return error_set(err, REDRESS_E_USAGE,
		                 "--as %s needs the account's password: name a file holding it in"
		                 " REDRESS_PASSWORD_FILE, or run redress from a terminal to type it",
		                 name);
	snprintf(prompt, sizeof(prompt), "Password for %s: ", name);
	return cli_password_ask(prompt, out, size, err);
}

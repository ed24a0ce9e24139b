/*
 * metrics.c -- what /metrics tells Prometheus: requests by route and
 * status, their latency as a histogram, events appended, the log's size.
 * Counters are atomics so that recording a request takes no lock.  Labels
 * are route names and numbers only: nothing a request carried.
 */
#include <stdlib.h>

#include "http/http_int.h"

/* 303: a page's answer to a form, and its way to the sign-in page. */
static const unsigned statuses[HTTP_METRICS_STATUSES] = {200, 201, 204, 303, 304, 400, 401, 403, 404,
                                                         405, 409, 413, 415, 422, 429, 431, 500, 503};
/* Upper bounds of the latency buckets, in microseconds; the last is +Inf. */
static const uint64_t bounds_us[HTTP_METRICS_BUCKETS - 1] = {500,   1000,   2500,   5000,   10000,  25000,
                                                             50000, 100000, 250000, 500000, 1000000};

enum redress_err
http_metrics_init(struct http_metrics *m, struct redress_error *err)
{
	m->routes = calloc(http_routes_count + 1, sizeof(*m->routes));
	if (m->routes == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory for the metrics");
	return REDRESS_OK;
}

void
http_metrics_free(struct http_metrics *m)
{
	free(m->routes);
	m->routes = NULL;
}

void
http_metrics_record(struct http_metrics *m, long route, unsigned status, uint64_t micros)
{
	struct http_route_metrics *r = &m->routes[route >= 0 ? (size_t)route : http_routes_count];
	size_t i;

	for (i = 0; i < HTTP_METRICS_STATUSES && statuses[i] != status; i++)
		;
	/* A status outside the table counts as 500: every answer we give is in it. */
	atomic_fetch_add(&r->by_status[i < HTTP_METRICS_STATUSES ? i : HTTP_METRICS_STATUSES - 2], 1);
	for (i = 0; i < HTTP_METRICS_BUCKETS - 1 && micros > bounds_us[i]; i++)
		;
	atomic_fetch_add(&r->buckets[i], 1);
	atomic_fetch_add(&r->sum_us, micros);
}

static const char *
route_label(size_t i)
{
	return i < http_routes_count ? http_routes[i].name : "unknown";
}

void
http_metrics_write(struct http_metrics *m, struct buf *out)
{
	size_t i, j;

	buf_puts(out, "# HELP redress_http_requests_total HTTP requests answered, by route and status.\n"
	              "# TYPE redress_http_requests_total counter\n");
	for (i = 0; i <= http_routes_count; i++)
		for (j = 0; j < HTTP_METRICS_STATUSES; j++) {
			uint64_t n = atomic_load(&m->routes[i].by_status[j]);

			if (n != 0)
				buf_printf(out,
				           "redress_http_requests_total{route=\"%s\",status=\"%u\"} %llu\n",
				           route_label(i), statuses[j], (unsigned long long)n);
		}
	buf_puts(out,
	         "# HELP redress_http_request_duration_seconds Time from the first byte of a request to its "
	         "answer.\n"
	         "# TYPE redress_http_request_duration_seconds histogram\n");
	for (i = 0; i <= http_routes_count; i++) {
		uint64_t cumulative = 0;

		for (j = 0; j < HTTP_METRICS_BUCKETS; j++)
			cumulative += atomic_load(&m->routes[i].buckets[j]);
		if (cumulative == 0)
			continue;
		cumulative = 0;
		for (j = 0; j < HTTP_METRICS_BUCKETS; j++) {
			cumulative += atomic_load(&m->routes[i].buckets[j]);
			if (j < HTTP_METRICS_BUCKETS - 1)
				buf_printf(out,
				           "redress_http_request_duration_seconds_bucket{route=\"%s\",le=\"%"
				           "g\"} %llu\n",
				           route_label(i), (double)bounds_us[j] / 1e6,
				           (unsigned long long)cumulative);
			else
				buf_printf(out,
				           "redress_http_request_duration_seconds_bucket{route=\"%s\",le=\"+"
				           "Inf\"} %llu\n",
				           route_label(i), (unsigned long long)cumulative);
		}
		buf_printf(out, "redress_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
		           route_label(i), (double)atomic_load(&m->routes[i].sum_us) / 1e6);
		buf_printf(out, "redress_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
		           route_label(i), (unsigned long long)cumulative);
	}
	buf_printf(out,
	           "# HELP redress_log_events_appended_total Events this server appended to the log.\n"
	           "# TYPE redress_log_events_appended_total counter\n"
	           "redress_log_events_appended_total %llu\n"
	           "# HELP redress_log_tree_size Events in the log (its Merkle tree size).\n"
	           "# TYPE redress_log_tree_size gauge\n"
	           "redress_log_tree_size %llu\n"
	           "# HELP redress_log_commits_total Database commits made by the writer.\n"
	           "# TYPE redress_log_commits_total counter\n"
	           "redress_log_commits_total %llu\n"
	           "# HELP redress_sign_in_failures_total Refused sign-ins.\n"
	           "# TYPE redress_sign_in_failures_total counter\n"
	           "redress_sign_in_failures_total %llu\n"
	           "# HELP redress_http_requests_in_flight Requests being answered.\n"
	           "# TYPE redress_http_requests_in_flight gauge\n"
	           "redress_http_requests_in_flight %llu\n",
	           (unsigned long long)atomic_load(&m->events_appended),
	           (unsigned long long)atomic_load(&m->tree_size),
	           (unsigned long long)atomic_load(&m->commits),
	           (unsigned long long)atomic_load(&m->sign_in_failures),
	           (unsigned long long)atomic_load(&m->in_flight));
}

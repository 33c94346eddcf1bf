/*
 * Copyright (C) 2026 The gdoi-strongswan authors
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.  See <http://www.fsf.org/copyleft/gpl.txt>.
 *
 * This program is distributed in the hope that it will be useful, but
 * WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
 * or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License
 * for more details.
 */

#include "recording_ipsec.h"

#include <daemon.h>
#include <bio/bio_writer.h>

/**
 * What was recorded, and the call that fails
 */
static bio_writer_t *lines;
static int fail_at;

/**
 * Record a line
 */
static void record(char *fmt, ...)
{
	char buf[512];
	va_list args;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	lines->write_data(lines, chunk_from_str(buf));
	lines->write_uint8(lines, '\n');
}

/**
 * Whether this add call fails
 */
static bool fails()
{
	return fail_at > 0 && --fail_at == 0;
}

/**
 * Name of a policy direction
 */
static char *dir_name(policy_dir_t dir)
{
	switch (dir)
	{
		case POLICY_IN:
			return "in";
		case POLICY_OUT:
			return "out";
		default:
			return "fwd";
	}
}

/**
 * Name of a policy type
 */
static char *type_name(policy_type_t type)
{
	switch (type)
	{
		case POLICY_IPSEC:
			return "ipsec";
		case POLICY_DROP:
			return "drop";
		default:
			return "pass";
	}
}

/**
 * Name of a policy priority
 */
static char *prio_name(policy_priority_t prio)
{
	switch (prio)
	{
		case POLICY_PRIORITY_DEFAULT:
			return "default";
		case POLICY_PRIORITY_FALLBACK:
			return "fallback";
		default:
			return "other";
	}
}

METHOD(kernel_ipsec_t, add_sa, status_t,
	kernel_ipsec_t *this, kernel_ipsec_sa_id_t *id, kernel_ipsec_add_sa_t *data)
{
	traffic_selector_t *src = NULL, *dst = NULL;

	if (fails())
	{
		record("add_sa FAILED");
		return FAILED;
	}
	data->src_ts->get_first(data->src_ts, (void**)&src);
	data->dst_ts->get_first(data->dst_ts, (void**)&dst);
	record("add_sa %s %H > %H spi %.8x reqid %u %N replay %u %N/%d %N/%d "
		   "ts %R > %R life %llu", data->inbound ? "in" : "out", id->src,
		   id->dst, ntohl(id->spi), data->reqid, ipsec_mode_names, data->mode,
		   data->replay_window, encryption_algorithm_names, data->enc_alg,
		   (int)data->enc_key.len, integrity_algorithm_names, data->int_alg,
		   (int)data->int_key.len, src, dst,
		   (unsigned long long)data->lifetime->time.life);
	return SUCCESS;
}

METHOD(kernel_ipsec_t, del_sa, status_t,
	kernel_ipsec_t *this, kernel_ipsec_sa_id_t *id, kernel_ipsec_del_sa_t *data)
{
	record("del_sa %H > %H spi %.8x", id->src, id->dst, ntohl(id->spi));
	return SUCCESS;
}

METHOD(kernel_ipsec_t, add_policy, status_t,
	kernel_ipsec_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_manage_policy_t *data)
{
	if (fails())
	{
		record("add_policy FAILED");
		return FAILED;
	}
	if (data->type == POLICY_IPSEC)
	{
		record("add_policy %s %R > %R %s %s %H > %H spi %.8x reqid %u",
			   dir_name(id->dir), id->src_ts, id->dst_ts, type_name(data->type),
			   prio_name(data->prio), data->src, data->dst,
			   ntohl(data->sa->esp.spi), data->sa->reqid);
	}
	else
	{
		record("add_policy %s %R > %R %s %s", dir_name(id->dir), id->src_ts,
			   id->dst_ts, type_name(data->type), prio_name(data->prio));
	}
	return SUCCESS;
}

METHOD(kernel_ipsec_t, del_policy, status_t,
	kernel_ipsec_t *this, kernel_ipsec_policy_id_t *id,
	kernel_ipsec_manage_policy_t *data)
{
	record("del_policy %s %R > %R %s", dir_name(id->dir), id->src_ts,
		   id->dst_ts, type_name(data->type));
	return SUCCESS;
}

METHOD(kernel_ipsec_t, destroy, void,
	kernel_ipsec_t *this)
{
	lines->destroy(lines);
	lines = NULL;
	free(this);
}

/*
 * Described in header
 */
kernel_ipsec_t *recording_ipsec_create()
{
	kernel_ipsec_t *this;

	INIT(this,
		.get_spi = (void*)return_failed,
		.get_cpi = (void*)return_failed,
		.add_sa = _add_sa,
		.update_sa = (void*)return_failed,
		.query_sa = (void*)return_failed,
		.del_sa = _del_sa,
		.flush_sas = (void*)return_failed,
		.add_policy = _add_policy,
		.query_policy = (void*)return_failed,
		.del_policy = _del_policy,
		.flush_policies = (void*)return_failed,
		.bypass_socket = (void*)return_true,
		.enable_udp_decap = (void*)return_true,
		.destroy = _destroy,
	);
	lines = bio_writer_create(1024);
	fail_at = 0;
	return this;
}

/*
 * Described in header
 */
char *recording_ipsec_take()
{
	chunk_t data;

	lines->write_uint8(lines, 0);
	data = lines->extract_buf(lines);
	return data.ptr;
}

/*
 * Described in header
 */
void recording_ipsec_fail(int n)
{
	fail_at = n;
}

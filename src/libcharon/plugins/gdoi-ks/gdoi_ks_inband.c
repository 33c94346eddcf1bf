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

#include "gdoi_ks_inband.h"
#include "gdoi_ks_registrar.h"

#include <daemon.h>
#include <encoding/payloads/delete_payload.h>
#include <encoding/payloads/notify_payload.h>
#include <gikev2_payload.h>
#include <gikev2_registration.h>

typedef struct private_task_t private_task_t;

/**
 * Initiator task of a GSA_INBAND_REKEY exchange.
 */
struct private_task_t {

	/**
	 * Implements task_t.
	 */
	task_t public;

	/**
	 * The member's IKE_SA
	 */
	ike_sa_t *ike_sa;

	/**
	 * Group, told of the acknowledgement
	 */
	gdoi_ks_group_t *group;

	/**
	 * Group name
	 */
	char *name;

	/**
	 * GSA payload body, empty if none
	 */
	chunk_t gsa;

	/**
	 * KD payload body (keys wrapped with the IKE_SA's KWK), empty if none
	 */
	chunk_t kd;

	/**
	 * SPIs to delete, network order
	 */
	uint32_t *del_spis;

	/**
	 * Number of SPIs to delete
	 */
	u_int del_count;
};

/**
 * Add a payload with a copy of an encoded body
 */
static void add_body(message_t *message, gikev2_payload_type_t type,
					 chunk_t body)
{
	gikev2_payload_t *payload;

	body = chunk_clone(body);
	payload = gikev2_payload_create(type, body);
	if (payload)
	{
		message->add_payload(message, (payload_t*)payload);
	}
	else
	{
		chunk_clear(&body);
	}
}

METHOD(task_t, build_i, status_t,
	private_task_t *this, message_t *message)
{
	delete_payload_t *del;
	u_int i;

	if (this->gsa.len)
	{
		add_body(message, GIKEV2_PL_GSA, this->gsa);
		add_body(message, GIKEV2_PL_KD, this->kd);
	}
	if (this->del_count)
	{
		del = delete_payload_create(PLV2_DELETE, PROTO_ESP);
		for (i = 0; i < this->del_count; i++)
		{
			del->add_spi(del, this->del_spis[i]);
		}
		message->add_payload(message, (payload_t*)del);
	}
	return NEED_MORE;
}

METHOD(task_t, process_i, status_t,
	private_task_t *this, message_t *message)
{
	enumerator_t *enumerator;
	notify_payload_t *notify;
	payload_t *payload;
	notify_type_t type;
	bool refused = FALSE;

	enumerator = message->create_payload_enumerator(message);
	while (enumerator->enumerate(enumerator, &payload))
	{
		if (payload->get_type(payload) == PLV2_NOTIFY)
		{
			notify = (notify_payload_t*)payload;
			type = notify->get_notify_type(notify);
			if (type < 16384)
			{
				DBG1(DBG_IKE, "group '%s': member '%Y' refused the inband "
					 "rekey with %N", this->name,
					 this->ike_sa->get_other_id(this->ike_sa),
					 notify_type_names, type);
				refused = TRUE;
			}
		}
	}
	enumerator->destroy(enumerator);
	if (!refused)
	{
		DBG2(DBG_IKE, "group '%s': member '%Y' acknowledged the inband rekey",
			 this->name, this->ike_sa->get_other_id(this->ike_sa));
		this->group->inband_acked(this->group,
								  this->ike_sa->get_other_id(this->ike_sa));
	}
	return SUCCESS;
}

METHOD(task_t, get_type, task_type_t,
	private_task_t *this)
{
	return TASK_CUSTOM;
}

METHOD(task_t, get_exchange_type, exchange_type_t,
	private_task_t *this)
{
	return (exchange_type_t)GIKEV2_GSA_INBAND_REKEY;
}

METHOD(task_t, migrate, void,
	private_task_t *this, ike_sa_t *ike_sa)
{
	this->ike_sa = ike_sa;
}

METHOD(task_t, destroy, void,
	private_task_t *this)
{
	this->group->destroy(this->group);
	chunk_free(&this->gsa);
	chunk_clear(&this->kd);
	free(this->del_spis);
	free(this->name);
	free(this);
}

/*
 * Described in header
 */
task_t *gdoi_ks_inband_create(gdoi_ks_group_t *group, char *name,
							  ike_sa_t *ike_sa, linked_list_t *teks,
							  gdoi_kek_t *kek, uint32_t *del_spis,
							  u_int del_count)
{
	private_task_t *this;
	gikev2_err_t err = {};
	chunk_t kwk = chunk_empty, gsa = chunk_empty, kd = chunk_empty;

	if (teks->get_count(teks) || kek)
	{
		if (!gdoi_ks_registrar_derive_kwk(ike_sa, &kwk))
		{
			DBG1(DBG_IKE, "group '%s': no key wrap key on the IKE_SA of "
				 "'%Y' for an inband rekey", name, ike_sa->get_other_id(ike_sa));
			return NULL;
		}
		if (!gikev2_registration_encode(teks, kek, GIKEV2_GSA_INBAND_REKEY,
										GDOI_KS_REGISTRATION_KWA, kwk, &gsa,
										&kd, &err))
		{
			DBG1(DBG_IKE, "group '%s': encoding the inband rekey for '%Y' "
				 "failed: %s", name, ike_sa->get_other_id(ike_sa), err.msg);
			chunk_clear(&kwk);
			return NULL;
		}
		chunk_clear(&kwk);
	}
	INIT(this,
		.public = {
			.build = _build_i,
			.process = _process_i,
			.get_type = _get_type,
			.get_exchange_type = _get_exchange_type,
			.migrate = _migrate,
			.destroy = _destroy,
		},
		.ike_sa = ike_sa,
		.group = group->get_ref(group),
		.name = strdup(name),
		.gsa = gsa,
		.kd = kd,
		.del_count = del_count,
	);
	if (del_count)
	{
		this->del_spis = calloc(del_count, sizeof(uint32_t));
		memcpy(this->del_spis, del_spis, del_count * sizeof(uint32_t));
	}
	return &this->public;
}

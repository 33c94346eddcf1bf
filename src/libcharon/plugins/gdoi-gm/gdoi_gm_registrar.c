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

#include "gdoi_gm_registrar.h"

#include <daemon.h>
#include <collections/hashtable.h>
#include <threading/mutex.h>
#include <encoding/payloads/notify_payload.h>
#include <processing/jobs/callback_job.h>
#include <gikev2_idg.h>
#include <gikev2_payload.h>

typedef struct private_gdoi_gm_registrar_t private_gdoi_gm_registrar_t;
typedef struct entry_t entry_t;

/**
 * Private data of a gdoi_gm_registrar_t object.
 */
struct private_gdoi_gm_registrar_t {

	/**
	 * Public interface.
	 */
	gdoi_gm_registrar_t public;

	/**
	 * Registrations, unique IKE_SA id => entry_t
	 */
	hashtable_t *entries;

	/**
	 * Lock for entries
	 */
	mutex_t *lock;
};

/**
 * A registration under way
 */
struct entry_t {

	/** the group registering */
	gdoi_gm_group_t *group;

	/** whether the IDg was sent */
	bool idg_sent;

	/** GSA and KD bodies of the response */
	chunk_t gsa;
	chunk_t kd;

	/** error notify of the response, 0 if none */
	notify_type_t error;
};

/**
 * Destroy an entry
 */
static void entry_destroy(entry_t *entry)
{
	entry->group->destroy(entry->group);
	chunk_free(&entry->gsa);
	chunk_clear(&entry->kd);
	free(entry);
}

METHOD(gdoi_gm_registrar_t, track, void,
	private_gdoi_gm_registrar_t *this, u_int unique_id, gdoi_gm_group_t *group)
{
	entry_t *entry;

	INIT(entry,
		.group = group->get_ref(group),
	);
	this->lock->lock(this->lock);
	entry = this->entries->put(this->entries, (void*)(uintptr_t)unique_id,
							   entry);
	this->lock->unlock(this->lock);
	if (entry)
	{
		entry_destroy(entry);
	}
}

/**
 * Add the IDg to a GSA_AUTH request
 */
static void add_idg(entry_t *entry, message_t *message)
{
	gikev2_payload_t *payload;
	gdoi_group_cfg_t *cfg;
	chunk_t body;

	cfg = entry->group->get_cfg(entry->group);
	if (gikev2_idg_encode(cfg->id, &body))
	{
		payload = gikev2_payload_create(GIKEV2_PL_IDG, body);
		if (payload)
		{	/* the payload takes the body */
			message->add_payload(message, (payload_t*)payload);
		}
		else
		{
			chunk_free(&body);
		}
	}
	else
	{
		DBG1(DBG_IKE, "group '%s': identity %Y can not be sent as IDg",
			 cfg->name, cfg->id);
	}
	cfg->destroy(cfg);
	entry->idg_sent = TRUE;
}

/**
 * Read the GSA, the KD and an error notify of a GSA_AUTH response
 */
static void read_response(entry_t *entry, message_t *message)
{
	enumerator_t *enumerator;
	notify_payload_t *notify;
	payload_t *payload;
	notify_type_t type;
	chunk_t body;

	enumerator = message->create_payload_enumerator(message);
	while (enumerator->enumerate(enumerator, &payload))
	{
		if (!entry->gsa.len &&
			gikev2_payload_get_body(payload, GIKEV2_PL_GSA, &body))
		{
			entry->gsa = chunk_clone(body);
		}
		else if (!entry->kd.len &&
				 gikev2_payload_get_body(payload, GIKEV2_PL_KD, &body))
		{
			entry->kd = chunk_clone(body);
		}
		else if (payload->get_type(payload) == PLV2_NOTIFY)
		{
			notify = (notify_payload_t*)payload;
			type = notify->get_notify_type(notify);
			if (type == (notify_type_t)GIKEV2_INVALID_GROUP_ID ||
				type == (notify_type_t)GIKEV2_AUTHORIZATION_FAILED ||
				type == (notify_type_t)GIKEV2_REGISTRATION_FAILED)
			{
				entry->error = type;
			}
		}
	}
	enumerator->destroy(enumerator);
}

METHOD(listener_t, message_hook, bool,
	private_gdoi_gm_registrar_t *this, ike_sa_t *ike_sa, message_t *message,
	bool incoming, bool plain)
{
	uintptr_t id;
	exchange_type_t type;
	entry_t *entry;

	if (!ike_sa)
	{
		return TRUE;
	}
	id = ike_sa->get_unique_id(ike_sa);
	type = message->get_exchange_type(message);
	this->lock->lock(this->lock);
	entry = this->entries->get(this->entries, (void*)id);
	if (!entry || message->get_request(message) == incoming)
	{	/* not ours, or a request of the key server */
		this->lock->unlock(this->lock);
		return TRUE;
	}
	if (!incoming && plain && type == IKE_AUTH)
	{
		message->set_exchange_type(message, (exchange_type_t)GIKEV2_GSA_AUTH);
		if (!entry->idg_sent)
		{
			add_idg(entry, message);
		}
	}
	else if (incoming && !plain && type == (exchange_type_t)GIKEV2_GSA_AUTH)
	{	/* parse and process it with the IKE_AUTH rules and tasks */
		message->set_exchange_type(message, IKE_AUTH);
	}
	else if (incoming && plain && type == IKE_AUTH)
	{
		read_response(entry, message);
	}
	this->lock->unlock(this->lock);
	return TRUE;
}

CALLBACK(delete_ike_sa, job_requeue_t,
	ike_sa_id_t *id)
{
	ike_sa_t *ike_sa;

	ike_sa = charon->ike_sa_manager->checkout(charon->ike_sa_manager, id);
	if (ike_sa)
	{
		if (ike_sa->delete(ike_sa, FALSE) == DESTROY_ME)
		{
			charon->ike_sa_manager->checkin_and_destroy(
											charon->ike_sa_manager, ike_sa);
		}
		else
		{
			charon->ike_sa_manager->checkin(charon->ike_sa_manager, ike_sa);
		}
	}
	return JOB_REQUEUE_NONE;
}

CALLBACK(destroy_id, void,
	ike_sa_id_t *id)
{
	id->destroy(id);
}

METHOD(listener_t, ike_state_change, bool,
	private_gdoi_gm_registrar_t *this, ike_sa_t *ike_sa, ike_sa_state_t state)
{
	uintptr_t id = ike_sa->get_unique_id(ike_sa);
	gdoi_group_cfg_t *cfg;
	entry_t *entry;
	char reason[128], buf[BUF_LEN];

	if (state != IKE_ESTABLISHED && state != IKE_DESTROYING)
	{
		return TRUE;
	}
	this->lock->lock(this->lock);
	entry = this->entries->remove(this->entries, (void*)id);
	this->lock->unlock(this->lock);
	if (!entry)
	{
		return TRUE;
	}
	if (state == IKE_ESTABLISHED && entry->gsa.len && entry->kd.len &&
		!entry->error)
	{
		entry->group->registered(entry->group, ike_sa, entry->gsa, entry->kd);
	}
	else
	{
		cfg = entry->group->get_cfg(entry->group);
		if (entry->error)
		{
			snprintf(reason, sizeof(reason), "refused with %N",
					 gikev2_notify_names, entry->error);
			DBG1(DBG_IKE, "group '%s' (%s): registration of '%Y' refused by "
				 "key server %H with %N, nothing installed", cfg->name,
				 gdoi_group_id_str(cfg->id, buf, sizeof(buf)),
				 ike_sa->get_my_id(ike_sa),
				 ike_sa->get_other_host(ike_sa), gikev2_notify_names,
				 entry->error);
		}
		else if (state == IKE_ESTABLISHED)
		{
			snprintf(reason, sizeof(reason), "no group policy in the answer");
		}
		else
		{
			snprintf(reason, sizeof(reason), "no registration");
		}
		cfg->destroy(cfg);
		if (state == IKE_ESTABLISHED)
		{	/* the IKE_SA is of no use without a group policy */
			lib->processor->queue_job(lib->processor, (job_t*)
				callback_job_create(delete_ike_sa,
						ike_sa->get_id(ike_sa)->clone(ike_sa->get_id(ike_sa)),
						destroy_id, NULL));
		}
		entry->group->failed(entry->group, reason);
	}
	entry_destroy(entry);
	return TRUE;
}

METHOD(gdoi_gm_registrar_t, destroy, void,
	private_gdoi_gm_registrar_t *this)
{
	this->entries->destroy_function(this->entries, (void*)entry_destroy);
	this->lock->destroy(this->lock);
	free(this);
}

/*
 * Described in header
 */
gdoi_gm_registrar_t *gdoi_gm_registrar_create()
{
	private_gdoi_gm_registrar_t *this;

	INIT(this,
		.public = {
			.listener = {
				.message = _message_hook,
				.ike_state_change = _ike_state_change,
			},
			.track = _track,
			.destroy = _destroy,
		},
		.entries = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr,
									8),
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}

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
#include <encoding/payloads/delete_payload.h>
#include <processing/jobs/callback_job.h>
#include <sa/task_manager.h>
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
	 * Registration IKE_SAs, unique IKE_SA id => sa_t
	 */
	hashtable_t *sas;

	/**
	 * Claims of registration IKE_SAs being set up, sa_t (id 0)
	 */
	linked_list_t *claims;

	/**
	 * Lock for entries, sas and claims
	 */
	mutex_t *lock;
};

/**
 * A registration IKE_SA, for GSA_REGISTRATION of further groups
 */
typedef struct {

	/** unique id of the IKE_SA */
	u_int id;

	/** name of its connection */
	char *connection;

	/** its key server */
	host_t *ks;

	/** whether it is established */
	bool established;

	/** groups registered over it, gdoi_gm_group_t* (referenced) */
	linked_list_t *groups;
} sa_t;

/**
 * Destroy an sa_t
 */
static void sa_destroy(sa_t *sa)
{
	DESTROY_OFFSET_IF(sa->groups, offsetof(gdoi_gm_group_t, destroy));
	free(sa->connection);
	sa->ks->destroy(sa->ks);
	free(sa);
}

/**
 * Remember that a group registered over an IKE_SA, for GSA_INBAND_REKEY
 */
static void add_group(private_gdoi_gm_registrar_t *this, ike_sa_t *ike_sa,
					  gdoi_gm_group_t *group)
{
	sa_t *sa;

	this->lock->lock(this->lock);
	sa = this->sas->get(this->sas,
						(void*)(uintptr_t)ike_sa->get_unique_id(ike_sa));
	if (sa && !sa->groups->find_first(sa->groups, NULL, (void**)&group))
	{
		sa->groups->insert_last(sa->groups, group->get_ref(group));
	}
	this->lock->unlock(this->lock);
}

/**
 * Whether an sa_t is for a connection and key server
 */
static bool sa_matches(sa_t *sa, char *connection, host_t *ks)
{
	return streq(sa->connection, connection) && sa->ks->ip_equals(sa->ks, ks);
}

/**
 * Remove a claim, with the lock held
 */
static void remove_claim(private_gdoi_gm_registrar_t *this, char *connection,
						 host_t *ks)
{
	enumerator_t *enumerator;
	sa_t *sa;

	enumerator = this->claims->create_enumerator(this->claims);
	while (enumerator->enumerate(enumerator, &sa))
	{
		if (sa_matches(sa, connection, ks))
		{
			this->claims->remove_at(this->claims, enumerator);
			sa_destroy(sa);
			break;
		}
	}
	enumerator->destroy(enumerator);
}

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
	private_gdoi_gm_registrar_t *this, u_int unique_id, gdoi_gm_group_t *group,
	char *connection, host_t *ks)
{
	entry_t *entry;
	sa_t *sa;

	INIT(entry,
		.group = group->get_ref(group),
	);
	INIT(sa,
		.id = unique_id,
		.connection = strdup(connection),
		.ks = ks->clone(ks),
		.groups = linked_list_create(),
	);
	this->lock->lock(this->lock);
	remove_claim(this, connection, ks);
	entry = this->entries->put(this->entries, (void*)(uintptr_t)unique_id,
							   entry);
	sa = this->sas->put(this->sas, (void*)(uintptr_t)unique_id, sa);
	this->lock->unlock(this->lock);
	if (entry)
	{
		entry_destroy(entry);
	}
	if (sa)
	{
		sa_destroy(sa);
	}
}

METHOD(gdoi_gm_registrar_t, find_sa, u_int,
	private_gdoi_gm_registrar_t *this, char *connection, host_t *ks,
	bool *pending)
{
	enumerator_t *enumerator;
	u_int id = 0;
	sa_t *sa;

	*pending = FALSE;
	this->lock->lock(this->lock);
	enumerator = this->sas->create_enumerator(this->sas);
	while (!id && enumerator->enumerate(enumerator, NULL, &sa))
	{
		if (sa_matches(sa, connection, ks))
		{
			if (sa->established)
			{
				id = sa->id;
			}
			else
			{
				*pending = TRUE;
			}
		}
	}
	enumerator->destroy(enumerator);
	if (!id && !*pending)
	{
		enumerator = this->claims->create_enumerator(this->claims);
		while (enumerator->enumerate(enumerator, &sa))
		{
			*pending |= sa_matches(sa, connection, ks);
		}
		enumerator->destroy(enumerator);
		if (!*pending)
		{	/* the caller sets one up */
			INIT(sa,
				.connection = strdup(connection),
				.ks = ks->clone(ks),
			);
			this->claims->insert_last(this->claims, sa);
		}
	}
	this->lock->unlock(this->lock);
	return id;
}

METHOD(gdoi_gm_registrar_t, release, void,
	private_gdoi_gm_registrar_t *this, char *connection, host_t *ks)
{
	this->lock->lock(this->lock);
	remove_claim(this, connection, ks);
	this->lock->unlock(this->lock);
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

/**
 * Log a refusal by the key server
 */
static void log_refusal(gdoi_gm_group_t *group, ike_sa_t *ike_sa,
						notify_type_t error, char *reason, size_t len)
{
	gdoi_group_cfg_t *cfg;
	char buf[BUF_LEN];

	cfg = group->get_cfg(group);
	snprintf(reason, len, "refused with %N", gikev2_notify_names, error);
	DBG1(DBG_IKE, "group '%s' (%s): registration of '%Y' refused by key server "
		 "%H with %N, nothing installed", cfg->name,
		 gdoi_group_id_str(cfg->id, buf, sizeof(buf)),
		 ike_sa->get_my_id(ike_sa), ike_sa->get_other_host(ike_sa),
		 gikev2_notify_names, error);
	cfg->destroy(cfg);
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
	entry_t *entry;
	sa_t *sa;
	char reason[128];

	if (state != IKE_ESTABLISHED && state != IKE_DESTROYING)
	{
		return TRUE;
	}
	this->lock->lock(this->lock);
	entry = this->entries->remove(this->entries, (void*)id);
	if (state == IKE_DESTROYING)
	{
		sa = this->sas->remove(this->sas, (void*)id);
		if (sa)
		{
			sa_destroy(sa);
		}
	}
	else
	{
		sa = this->sas->get(this->sas, (void*)id);
		if (sa)
		{
			sa->established = TRUE;
		}
	}
	this->lock->unlock(this->lock);
	if (!entry)
	{
		return TRUE;
	}
	if (state == IKE_ESTABLISHED && entry->gsa.len && entry->kd.len &&
		!entry->error)
	{
		entry->group->registered(entry->group, ike_sa, entry->gsa, entry->kd,
								 GIKEV2_GSA_AUTH);
		add_group(this, ike_sa, entry->group);
	}
	else
	{
		if (entry->error)
		{
			log_refusal(entry->group, ike_sa, entry->error, reason,
						sizeof(reason));
		}
		else if (state == IKE_ESTABLISHED)
		{
			snprintf(reason, sizeof(reason), "no group policy in the answer");
		}
		else
		{
			snprintf(reason, sizeof(reason), "no registration");
		}
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

/**
 * Initiator task of a GSA_REGISTRATION exchange
 */
typedef struct {

	/** implements task_t */
	task_t task;

	/** the registrar */
	private_gdoi_gm_registrar_t *registrar;

	/** the IKE_SA */
	ike_sa_t *ike_sa;

	/** what the exchange is about: group, IDg sent, response */
	entry_t *entry;

	/** whether the response was handled */
	bool done;
} registration_task_t;

METHOD(task_t, task_build_i, status_t,
	registration_task_t *this, message_t *message)
{
	add_idg(this->entry, message);
	return NEED_MORE;
}

METHOD(task_t, task_process_i, status_t,
	registration_task_t *this, message_t *message)
{
	entry_t *entry = this->entry;
	char reason[128];

	read_response(entry, message);
	this->done = TRUE;
	if (entry->gsa.len && entry->kd.len && !entry->error)
	{
		entry->group->registered(entry->group, this->ike_sa, entry->gsa,
								 entry->kd, GIKEV2_GSA_REGISTRATION);
		add_group(this->registrar, this->ike_sa, entry->group);
	}
	else
	{
		if (entry->error)
		{
			log_refusal(entry->group, this->ike_sa, entry->error, reason,
						sizeof(reason));
		}
		else
		{
			snprintf(reason, sizeof(reason), "no group policy in the answer");
		}
		entry->group->failed(entry->group, reason);
	}
	return SUCCESS;
}

METHOD(task_t, task_get_type, task_type_t,
	registration_task_t *this)
{
	return TASK_CUSTOM;
}

METHOD(task_t, task_get_exchange_type, exchange_type_t,
	registration_task_t *this)
{
	return (exchange_type_t)GIKEV2_GSA_REGISTRATION;
}

METHOD(task_t, task_migrate, void,
	registration_task_t *this, ike_sa_t *ike_sa)
{
	this->ike_sa = ike_sa;
}

METHOD(task_t, task_destroy, void,
	registration_task_t *this)
{
	if (!this->done)
	{
		this->entry->group->failed(this->entry->group,
								   "no answer to GSA_REGISTRATION");
	}
	entry_destroy(this->entry);
	free(this);
}

METHOD(gdoi_gm_registrar_t, create_task, task_t*,
	private_gdoi_gm_registrar_t *this, ike_sa_t *ike_sa,
	gdoi_gm_group_t *group)
{
	registration_task_t *task;
	entry_t *entry;

	INIT(entry,
		.group = group->get_ref(group),
	);
	INIT(task,
		.task = {
			.build = _task_build_i,
			.process = _task_process_i,
			.get_type = _task_get_type,
			.get_exchange_type = _task_get_exchange_type,
			.migrate = _task_migrate,
			.destroy = _task_destroy,
		},
		.registrar = this,
		.ike_sa = ike_sa,
		.entry = entry,
	);
	return &task->task;
}

/**
 * Responder task of a GSA_INBAND_REKEY exchange (RFC 9838 2.4.2)
 */
typedef struct {

	/** implements task_t */
	task_t task;

	/** the registrar */
	private_gdoi_gm_registrar_t *registrar;

	/** the IKE_SA */
	ike_sa_t *ike_sa;

	/** outcome of the request */
	gikev2_rekey_reject_t reason;
} inband_task_t;

/**
 * The ESP SPIs of the Delete payloads of a message (allocated)
 */
static uint32_t *read_deletes(message_t *message, u_int *count)
{
	enumerator_t *enumerator, *spis;
	delete_payload_t *delete;
	payload_t *payload;
	uint32_t spi, *deleted = NULL;

	*count = 0;
	enumerator = message->create_payload_enumerator(message);
	while (enumerator->enumerate(enumerator, &payload))
	{
		if (payload->get_type(payload) != PLV2_DELETE)
		{
			continue;
		}
		delete = (delete_payload_t*)payload;
		if (delete->get_protocol_id(delete) != PROTO_ESP)
		{
			continue;
		}
		spis = delete->create_spi_enumerator(delete);
		while (spis->enumerate(spis, &spi))
		{
			deleted = realloc(deleted, sizeof(spi) * (*count + 1));
			deleted[(*count)++] = spi;
		}
		spis->destroy(spis);
	}
	enumerator->destroy(enumerator);
	return deleted;
}

METHOD(task_t, inband_process_r, status_t,
	inband_task_t *this, message_t *message)
{
	enumerator_t *enumerator;
	linked_list_t *groups;
	gdoi_gm_group_t *group;
	payload_t *payload;
	uint32_t *deleted;
	u_int del_count;
	sa_t *sa;
	chunk_t gsa = chunk_empty, kd = chunk_empty, body;
	gikev2_rekey_reject_t reason;
	uintptr_t id;
	bool only;

	enumerator = message->create_payload_enumerator(message);
	while (enumerator->enumerate(enumerator, &payload))
	{
		if (!gsa.len && gikev2_payload_get_body(payload, GIKEV2_PL_GSA, &body))
		{
			gsa = body;
		}
		else if (!kd.len &&
				 gikev2_payload_get_body(payload, GIKEV2_PL_KD, &body))
		{
			kd = body;
		}
	}
	enumerator->destroy(enumerator);
	deleted = read_deletes(message, &del_count);

	groups = linked_list_create();
	id = this->ike_sa->get_unique_id(this->ike_sa);
	this->registrar->lock->lock(this->registrar->lock);
	sa = this->registrar->sas->get(this->registrar->sas, (void*)id);
	if (sa)
	{
		enumerator = sa->groups->create_enumerator(sa->groups);
		while (enumerator->enumerate(enumerator, &group))
		{
			groups->insert_last(groups, group->get_ref(group));
		}
		enumerator->destroy(enumerator);
	}
	this->registrar->lock->unlock(this->registrar->lock);

	only = groups->get_count(groups) == 1;
	this->reason = GIKEV2_REKEY_UNKNOWN_SPI;
	enumerator = groups->create_enumerator(groups);
	while (this->reason == GIKEV2_REKEY_UNKNOWN_SPI &&
		   enumerator->enumerate(enumerator, &group))
	{
		reason = group->inband_rekey(group, this->ike_sa, gsa, kd, deleted,
									 del_count, only);
		if (reason != GIKEV2_REKEY_UNKNOWN_SPI || only)
		{
			this->reason = reason;
			break;
		}
	}
	enumerator->destroy(enumerator);
	if (this->reason == GIKEV2_REKEY_UNKNOWN_SPI && !only)
	{
		DBG1(DBG_IKE, "GSA_INBAND_REKEY from %H is for none of the %u "
			 "group(s) registered over IKE_SA %s[%u]",
			 this->ike_sa->get_other_host(this->ike_sa),
			 groups->get_count(groups), this->ike_sa->get_name(this->ike_sa),
			 this->ike_sa->get_unique_id(this->ike_sa));
	}
	groups->destroy_offset(groups, offsetof(gdoi_gm_group_t, destroy));
	free(deleted);
	return NEED_MORE;
}

METHOD(task_t, inband_build_r, status_t,
	inband_task_t *this, message_t *message)
{
	if (this->reason != GIKEV2_REKEY_OK)
	{	/* no acknowledgement of keys we did not take */
		message->add_notify(message, FALSE, INVALID_SYNTAX, chunk_empty);
	}
	return SUCCESS;
}

METHOD(task_t, inband_get_exchange_type, exchange_type_t,
	inband_task_t *this)
{
	return (exchange_type_t)GIKEV2_GSA_INBAND_REKEY;
}

METHOD(task_t, inband_migrate, void,
	inband_task_t *this, ike_sa_t *ike_sa)
{
	this->ike_sa = ike_sa;
}

METHOD(task_t, inband_destroy, void,
	inband_task_t *this)
{
	free(this);
}

/**
 * Create the responder task of a GSA_INBAND_REKEY request on one of our
 * registration IKE_SAs
 */
static task_t *create_inband_task(private_gdoi_gm_registrar_t *this,
								  ike_sa_t *ike_sa, message_t *request)
{
	inband_task_t *task;
	bool ours;

	if (ike_sa->get_state(ike_sa) != IKE_ESTABLISHED)
	{
		return NULL;
	}
	this->lock->lock(this->lock);
	ours = this->sas->get(this->sas,
					(void*)(uintptr_t)ike_sa->get_unique_id(ike_sa)) != NULL;
	this->lock->unlock(this->lock);
	if (!ours)
	{
		return NULL;
	}
	INIT(task,
		.task = {
			.build = _inband_build_r,
			.process = _inband_process_r,
			.get_type = _task_get_type,
			.get_exchange_type = _inband_get_exchange_type,
			.migrate = _inband_migrate,
			.destroy = _inband_destroy,
		},
		.registrar = this,
		.ike_sa = ike_sa,
		.reason = GIKEV2_REKEY_UNKNOWN_SPI,
	);
	return &task->task;
}

METHOD(gdoi_gm_registrar_t, destroy, void,
	private_gdoi_gm_registrar_t *this)
{
	task_manager_unregister_responder(
							(exchange_type_t)GIKEV2_GSA_INBAND_REKEY,
							(task_manager_responder_t)create_inband_task, this);
	this->entries->destroy_function(this->entries, (void*)entry_destroy);
	this->sas->destroy_function(this->sas, (void*)sa_destroy);
	this->claims->destroy_function(this->claims, (void*)sa_destroy);
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
			.find_sa = _find_sa,
			.release = _release,
			.create_task = _create_task,
			.destroy = _destroy,
		},
		.entries = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr,
									8),
		.sas = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr, 8),
		.claims = linked_list_create(),
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	task_manager_register_responder((exchange_type_t)GIKEV2_GSA_INBAND_REKEY,
							(task_manager_responder_t)create_inband_task, this);
	return &this->public;
}

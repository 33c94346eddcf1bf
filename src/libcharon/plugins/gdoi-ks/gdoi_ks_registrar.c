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

#include "gdoi_ks_registrar.h"

#include <daemon.h>
#include <collections/hashtable.h>
#include <threading/mutex.h>
#include <sa/ikev2/keymat_v2.h>
#include <processing/jobs/delete_ike_sa_job.h>
#include <sa/task_manager.h>
#include <gdoi_vici.h>
#include <gikev2_idg.h>
#include <gikev2_keywrap.h>
#include <gikev2_payload.h>

/** delay before a member's IKE SA is closed after registration, in ms */
#define CLOSE_DELAY 1000

typedef struct private_gdoi_ks_registrar_t private_gdoi_ks_registrar_t;
typedef struct pending_t pending_t;

/**
 * Private data of a gdoi_ks_registrar_t object.
 */
struct private_gdoi_ks_registrar_t {

	/**
	 * Public interface.
	 */
	gdoi_ks_registrar_t public;

	/**
	 * Served groups
	 */
	gdoi_ks_groups_t *groups;

	/**
	 * Registrations under way, unique IKE_SA id => pending_t
	 */
	hashtable_t *pending;

	/**
	 * Lock for pending
	 */
	mutex_t *lock;
};

/**
 * A GSA_AUTH under way
 */
struct pending_t {

	/** unique id of the IKE_SA */
	uintptr_t id;

	/** requested group, NULL until the IDg was read */
	identification_t *idg;
};

/**
 * Destroy a pending registration
 */
static void pending_destroy(pending_t *pending)
{
	DESTROY_IF(pending->idg);
	free(pending);
}

/**
 * Read the IDg of a GSA_AUTH request
 */
static identification_t *read_idg(message_t *message)
{
	enumerator_t *enumerator;
	identification_t *idg = NULL;
	payload_t *payload;
	gikev2_err_t err = {};
	chunk_t body;

	enumerator = message->create_payload_enumerator(message);
	while (!idg && enumerator->enumerate(enumerator, &payload))
	{
		if (gikev2_payload_get_body(payload, GIKEV2_PL_IDG, &body))
		{
			idg = gikev2_idg_decode(body, &err);
			if (!idg)
			{
				DBG1(DBG_IKE, "invalid IDg payload: %s", err.msg);
			}
		}
	}
	enumerator->destroy(enumerator);
	return idg;
}

/*
 * Described in header
 */
bool gdoi_ks_registrar_derive_kwk(ike_sa_t *ike_sa, chunk_t *kwk)
{
	pseudo_random_function_t prf;
	keymat_v2_t *keymat;
	chunk_t skd;

	keymat = (keymat_v2_t*)ike_sa->get_keymat(ike_sa);
	prf = keymat->get_skd(keymat, &skd);
	if (prf == PRF_UNDEFINED)
	{
		return FALSE;
	}
	return gikev2_derive_gsk_w(prf, skd, GDOI_KS_REGISTRATION_KWA, kwk);
}

/**
 * Refuse a member: a notify in the response, log lines and an event
 */
static void refuse(ike_sa_t *ike_sa, message_t *message, identification_t *idg,
				   gikev2_notify_t notify, char *reason)
{
	identification_t *id = ike_sa->get_other_id(ike_sa);
	host_t *host = ike_sa->get_other_host(ike_sa);
	vici_builder_t *b;
	char buf[BUF_LEN];

	DBG1(DBG_IKE, "KS_UNAUTHORIZED: member '%Y' at %H refused for group %s: "
		 "%s, sending %N", id, host,
		 idg ? gdoi_group_id_str(idg, buf, sizeof(buf)) : "(none)", reason,
		 gikev2_notify_names, notify);
	message->add_notify(message, FALSE, (notify_type_t)notify, chunk_empty);
	if (gdoi_vici_has_listeners(GDOI_VICI_MEMBER_REFUSED))
	{
		b = vici_builder_create();
		if (idg)
		{
			gdoi_vici_add_id(b, "group", idg);
		}
		b->add_kv(b, "member", "%Y", id);
		b->add_kv(b, "address", "%H", host);
		b->add_kv(b, "reason", "%s", reason);
		b->add_kv(b, "notify", "%N", gikev2_notify_names, notify);
		gdoi_vici_raise(GDOI_VICI_MEMBER_REFUSED, b->finalize(b));
	}
}

/**
 * Whether an identity matches one of the authorized patterns
 */
static bool authorized(gdoi_group_cfg_t *cfg, identification_t *id)
{
	enumerator_t *enumerator;
	identification_t *pattern;
	bool match = FALSE;

	if (!cfg->members->get_count(cfg->members))
	{	/* anybody authenticated over the group's connection */
		return TRUE;
	}
	enumerator = cfg->members->create_enumerator(cfg->members);
	while (!match && enumerator->enumerate(enumerator, &pattern))
	{
		match = id->matches(id, pattern) > ID_MATCH_NONE;
	}
	enumerator->destroy(enumerator);
	return match;
}

/**
 * Add a payload with an encoded body, which it takes
 */
static void add_body(message_t *message, gikev2_payload_type_t type,
					 chunk_t body)
{
	gikev2_payload_t *payload;

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

/**
 * Answer an authenticated member's GSA_AUTH request
 */
static void respond(private_gdoi_ks_registrar_t *this, ike_sa_t *ike_sa,
					message_t *message, identification_t *idg,
					gikev2_exchange_t exchange)
{
	identification_t *id = ike_sa->get_other_id(ike_sa);
	host_t *host = ike_sa->get_other_host(ike_sa);
	gdoi_ks_members_t *members;
	gdoi_group_cfg_t *cfg;
	gdoi_ks_group_t *group;
	peer_cfg_t *peer_cfg;
	chunk_t kwk = chunk_empty, gsa, kd;
	vici_builder_t *b;
	char buf[BUF_LEN];
	bool new;

	if (!idg)
	{
		refuse(ike_sa, message, NULL, GIKEV2_INVALID_GROUP_ID,
			   "no IDg in the request");
		return;
	}
	group = this->groups->find_by_id(this->groups, idg);
	if (!group)
	{
		DBG1(DBG_IKE, "KS_BAD_ID: member '%Y' at %H asked for group %s, "
			 "which is not served here", id, host,
			 gdoi_group_id_str(idg, buf, sizeof(buf)));
		refuse(ike_sa, message, idg, GIKEV2_INVALID_GROUP_ID,
			   "unknown group");
		return;
	}
	cfg = group->get_cfg(group);
	peer_cfg = ike_sa->get_peer_cfg(ike_sa);
	if (!peer_cfg || !streq(peer_cfg->get_name(peer_cfg), cfg->connection))
	{
		refuse(ike_sa, message, idg, GIKEV2_AUTHORIZATION_FAILED,
			   "authenticated over another connection than the group's");
	}
	else if (!authorized(cfg, id))
	{
		refuse(ike_sa, message, idg, GIKEV2_AUTHORIZATION_FAILED,
			   "identity not authorized for the group");
	}
	else if (!gdoi_ks_registrar_derive_kwk(ike_sa, &kwk) ||
			 !group->encode_registration(group, exchange,
							GDOI_KS_REGISTRATION_KWA, kwk, &gsa, &kd))
	{
		refuse(ike_sa, message, idg, GIKEV2_REGISTRATION_FAILED,
			   "group policy not available");
	}
	else
	{
		/* the payloads take the bodies */
		add_body(message, GIKEV2_PL_GSA, gsa);
		add_body(message, GIKEV2_PL_KD, kd);
		members = group->get_members(group);
		/* keep the IKE_SA's id for inband rekeys if it stays up */
		new = members->add(members, id, host, cfg->close_ike_sa ? 0 :
						   ike_sa->get_unique_id(ike_sa));
		DBG1(DBG_IKE, "KS_REGS_COMPL: member '%Y' at %H registered with group "
			 "'%s' (%s)%s with %N, %u members", id, host, cfg->name,
			 gdoi_group_id_str(idg, buf, sizeof(buf)), new ? "" : " again",
			 gikev2_exchange_names, exchange, members->get_count(members));
		if (gdoi_vici_has_listeners(GDOI_VICI_MEMBER_REGISTERED))
		{
			b = vici_builder_create();
			b->add_kv(b, "group", "%s", cfg->name);
			gdoi_vici_add_id(b, "id", idg);
			b->add_kv(b, "member", "%Y", id);
			b->add_kv(b, "address", "%H", host);
			b->add_kv(b, "members", "%u", members->get_count(members));
			gdoi_vici_raise(GDOI_VICI_MEMBER_REGISTERED, b->finalize(b));
		}
		if (cfg->close_ike_sa)
		{
			lib->scheduler->schedule_job_ms(lib->scheduler, (job_t*)
						delete_ike_sa_job_create(ike_sa->get_id(ike_sa), TRUE),
						CLOSE_DELAY);
		}
	}
	chunk_clear(&kwk);
	cfg->destroy(cfg);
	group->destroy(group);
}

METHOD(listener_t, message_hook, bool,
	private_gdoi_ks_registrar_t *this, ike_sa_t *ike_sa, message_t *message,
	bool incoming, bool plain)
{
	uintptr_t id;
	pending_t *pending;

	if (!ike_sa)
	{
		return TRUE;
	}
	id = ike_sa->get_unique_id(ike_sa);
	if (incoming && !plain && message->get_request(message) &&
		message->get_exchange_type(message) ==
									(exchange_type_t)GIKEV2_GSA_AUTH)
	{	/* parse and process it with the IKE_AUTH rules and tasks */
		message->set_exchange_type(message, IKE_AUTH);
		this->lock->lock(this->lock);
		if (!this->pending->get(this->pending, (void*)id))
		{
			INIT(pending,
				.id = id,
			);
			this->pending->put(this->pending, (void*)id, pending);
		}
		this->lock->unlock(this->lock);
		return TRUE;
	}
	if (message->get_exchange_type(message) != IKE_AUTH)
	{
		return TRUE;
	}
	this->lock->lock(this->lock);
	pending = this->pending->get(this->pending, (void*)id);
	if (!pending)
	{
		this->lock->unlock(this->lock);
		return TRUE;
	}
	if (incoming && plain && message->get_request(message) && !pending->idg)
	{
		pending->idg = read_idg(message);
		this->lock->unlock(this->lock);
		return TRUE;
	}
	if (!incoming && plain && !message->get_request(message))
	{
		message->set_exchange_type(message, (exchange_type_t)GIKEV2_GSA_AUTH);
		if (ike_sa->get_state(ike_sa) == IKE_ESTABLISHED)
		{	/* the member is authenticated, the exchange ends here */
			this->pending->remove(this->pending, (void*)id);
			this->lock->unlock(this->lock);
			respond(this, ike_sa, message, pending->idg, GIKEV2_GSA_AUTH);
			pending_destroy(pending);
			return TRUE;
		}
	}
	this->lock->unlock(this->lock);
	return TRUE;
}

METHOD(listener_t, ike_updown, bool,
	private_gdoi_ks_registrar_t *this, ike_sa_t *ike_sa, bool up)
{
	pending_t *pending;

	if (!up)
	{
		this->lock->lock(this->lock);
		pending = this->pending->remove(this->pending,
							(void*)(uintptr_t)ike_sa->get_unique_id(ike_sa));
		this->lock->unlock(this->lock);
		if (pending)
		{
			pending_destroy(pending);
		}
	}
	return TRUE;
}

/**
 * Responder task of a GSA_REGISTRATION exchange
 */
typedef struct {

	/** implements task_t */
	task_t task;

	/** the registrar */
	private_gdoi_ks_registrar_t *registrar;

	/** the IKE_SA */
	ike_sa_t *ike_sa;

	/** requested group */
	identification_t *idg;
} registration_task_t;

METHOD(task_t, task_process_r, status_t,
	registration_task_t *this, message_t *message)
{
	this->idg = read_idg(message);
	return NEED_MORE;
}

METHOD(task_t, task_build_r, status_t,
	registration_task_t *this, message_t *message)
{
	respond(this->registrar, this->ike_sa, message, this->idg,
			GIKEV2_GSA_REGISTRATION);
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
	DESTROY_IF(this->idg);
	free(this);
}

/**
 * Create the responder task of a GSA_REGISTRATION request on an
 * established IKE_SA
 */
static task_t *create_task(private_gdoi_ks_registrar_t *this, ike_sa_t *ike_sa,
						   message_t *request)
{
	registration_task_t *task;

	if (ike_sa->get_state(ike_sa) != IKE_ESTABLISHED)
	{
		return NULL;
	}
	INIT(task,
		.task = {
			.build = _task_build_r,
			.process = _task_process_r,
			.get_type = _task_get_type,
			.get_exchange_type = _task_get_exchange_type,
			.migrate = _task_migrate,
			.destroy = _task_destroy,
		},
		.registrar = this,
		.ike_sa = ike_sa,
	);
	return &task->task;
}

METHOD(gdoi_ks_registrar_t, destroy, void,
	private_gdoi_ks_registrar_t *this)
{
	task_manager_unregister_responder(
							(exchange_type_t)GIKEV2_GSA_REGISTRATION,
							(task_manager_responder_t)create_task, this);
	this->pending->destroy_function(this->pending, (void*)pending_destroy);
	this->lock->destroy(this->lock);
	free(this);
}

/*
 * Described in header
 */
gdoi_ks_registrar_t *gdoi_ks_registrar_create(gdoi_ks_groups_t *groups)
{
	private_gdoi_ks_registrar_t *this;

	INIT(this,
		.public = {
			.listener = {
				.message = _message_hook,
				.ike_updown = _ike_updown,
			},
			.destroy = _destroy,
		},
		.groups = groups,
		.pending = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr,
									8),
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	task_manager_register_responder((exchange_type_t)GIKEV2_GSA_REGISTRATION,
							(task_manager_responder_t)create_task, this);
	return &this->public;
}

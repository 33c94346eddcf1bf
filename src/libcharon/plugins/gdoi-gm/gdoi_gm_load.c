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

#include "gdoi_gm_load.h"

#include <errno.h>

#include <daemon.h>
#include <collections/hashtable.h>
#include <threading/mutex.h>
#include <encoding/payloads/notify_payload.h>
#include <sa/ikev2/keymat_v2.h>
#include <gdoi_group_cfg.h>
#include <gikev2_idg.h>
#include <gikev2_keywrap.h>
#include <gikev2_payload.h>
#include <gikev2_registration.h>

/** connection of the load-tester plugin's IKE_SAs */
#define LOAD_TEST_CONNECTION "load-test"

/** key wrap algorithm of the registration IKE SA, as on the key server */
#define REGISTRATION_KWA GIKEV2_KW_5649_256

/** failures that are logged one by one, the rest are only counted */
#define LOGGED_FAILURES 10

typedef struct private_gdoi_gm_load_t private_gdoi_gm_load_t;

/**
 * State of one of the load-tester's IKE_SAs
 */
typedef struct {

	/** whether the IDg was sent */
	bool idg_sent;

	/** whether a valid group policy was received */
	bool policy;

	/** error notify of the key server, 0 if none */
	notify_type_t error;

	/** whether the setup was counted, as done or failed */
	bool counted;
} load_sa_t;

/**
 * Private data of a gdoi_gm_load_t object.
 */
struct private_gdoi_gm_load_t {

	/**
	 * Public interface.
	 */
	gdoi_gm_load_t public;

	/**
	 * Group to register with, NULL to count plain setups
	 */
	identification_t *group;

	/**
	 * Setups the load-tester makes, 0 if unbounded
	 */
	u_int expected;

	/**
	 * Completed setups
	 */
	u_int done;

	/**
	 * Failed setups
	 */
	u_int failed;

	/**
	 * Time of the first initiation
	 */
	timeval_t first;

	/**
	 * Time of the last completion or failure
	 */
	timeval_t last;

	/**
	 * Whether the first IKE_SA was initiated
	 */
	bool started;

	/**
	 * IKE_SAs of the load-tester, unique IKE_SA id => load_sa_t
	 */
	hashtable_t *sas;

	/**
	 * Lock for all of the above
	 */
	mutex_t *lock;
};

/**
 * Whether an IKE_SA is one the load-tester initiated
 */
static bool is_load_sa(ike_sa_t *ike_sa)
{
	peer_cfg_t *peer_cfg;

	peer_cfg = ike_sa->get_peer_cfg(ike_sa);
	return peer_cfg && ike_sa->has_condition(ike_sa, COND_ORIGINAL_INITIATOR) &&
		   streq(peer_cfg->get_name(peer_cfg), LOAD_TEST_CONNECTION);
}

/**
 * What is being set up, for log lines
 */
static char *what(private_gdoi_gm_load_t *this)
{
	return this->group ? "registrations" : "IKE_SA+CHILD_SA setups";
}

/**
 * Count a setup as done or failed, with the lock held
 */
static void count(private_gdoi_gm_load_t *this, ike_sa_t *ike_sa,
				  load_sa_t *sa, bool ok, char *reason)
{
	timeval_t elapsed;
	uint64_t us;

	if (sa->counted)
	{
		return;
	}
	sa->counted = TRUE;
	time_monotonic(&this->last);
	if (ok)
	{
		this->done++;
	}
	else if (++this->failed <= LOGGED_FAILURES)
	{
		DBG1(DBG_CFG, "load test: setup of '%Y' failed: %s",
			 ike_sa->get_my_id(ike_sa), reason);
	}
	if (this->expected && this->done + this->failed == this->expected)
	{
		timersub(&this->last, &this->first, &elapsed);
		us = elapsed.tv_sec * 1000000ULL + elapsed.tv_usec;
		DBG1(DBG_CFG, "load test complete: %u %s, %u failed, %llu us from "
			 "the first initiation to the last completion (%llu/s)",
			 this->done, what(this), this->failed, (unsigned long long)us,
			 us ? this->done * 1000000ULL / us : 0ULL);
	}
}

/**
 * Drop the CHILD_SA tasks of an IKE_SA, which registers instead
 */
static void drop_child_tasks(ike_sa_t *ike_sa)
{
	task_queue_t queues[] = { TASK_QUEUE_ACTIVE, TASK_QUEUE_QUEUED };
	enumerator_t *enumerator;
	task_t *task;
	int i;

	for (i = 0; i < countof(queues); i++)
	{
		enumerator = ike_sa->create_task_enumerator(ike_sa, queues[i]);
		while (enumerator->enumerate(enumerator, &task))
		{
			if (task->get_type(task) == TASK_CHILD_CREATE)
			{
				ike_sa->remove_task(ike_sa, enumerator);
				task->destroy(task);
			}
		}
		enumerator->destroy(enumerator);
	}
}

/**
 * Add the IDg to a GSA_AUTH request
 */
static void add_idg(private_gdoi_gm_load_t *this, message_t *message)
{
	gikev2_payload_t *payload;
	chunk_t body;

	if (gikev2_idg_encode(this->group, &body))
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
}

/**
 * Check the group policy of a GSA_AUTH response as a member does: decode
 * the GSA and KD and unwrap the keys with the KWK of the IKE_SA
 */
static void read_response(load_sa_t *sa, ike_sa_t *ike_sa, message_t *message)
{
	enumerator_t *enumerator;
	notify_payload_t *notify;
	linked_list_t *teks;
	gdoi_kek_t *kek;
	payload_t *payload;
	pseudo_random_function_t prf;
	keymat_v2_t *keymat;
	notify_type_t type;
	chunk_t body, gsa = chunk_empty, kd = chunk_empty, skd, kwk;

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
		else if (payload->get_type(payload) == PLV2_NOTIFY)
		{
			notify = (notify_payload_t*)payload;
			type = notify->get_notify_type(notify);
			if (type == (notify_type_t)GIKEV2_INVALID_GROUP_ID ||
				type == (notify_type_t)GIKEV2_AUTHORIZATION_FAILED ||
				type == (notify_type_t)GIKEV2_REGISTRATION_FAILED)
			{
				sa->error = type;
			}
		}
	}
	enumerator->destroy(enumerator);
	if (!gsa.len || !kd.len)
	{
		return;
	}
	keymat = (keymat_v2_t*)ike_sa->get_keymat(ike_sa);
	prf = keymat->get_skd(keymat, &skd);
	if (prf == PRF_UNDEFINED ||
		!gikev2_derive_gsk_w(prf, skd, REGISTRATION_KWA, &kwk))
	{
		return;
	}
	if (gikev2_registration_decode(gsa, kd, GIKEV2_GSA_AUTH, REGISTRATION_KWA,
								   kwk, &teks, &kek, NULL))
	{
		sa->policy = teks->get_count(teks) > 0;
		teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
		DESTROY_IF(kek);
	}
	chunk_clear(&kwk);
}

METHOD(listener_t, message_hook, bool,
	private_gdoi_gm_load_t *this, ike_sa_t *ike_sa, message_t *message,
	bool incoming, bool plain)
{
	exchange_type_t type;
	uintptr_t id;
	load_sa_t *sa;

	if (!ike_sa || !is_load_sa(ike_sa) ||
		message->get_request(message) == incoming)
	{	/* not ours, or a request of the responder */
		return TRUE;
	}
	id = ike_sa->get_unique_id(ike_sa);
	type = message->get_exchange_type(message);
	this->lock->lock(this->lock);
	sa = this->sas->get(this->sas, (void*)id);
	if (!incoming && plain && type == IKE_SA_INIT && !sa)
	{
		INIT(sa);
		this->sas->put(this->sas, (void*)id, sa);
		if (!this->started)
		{
			this->started = TRUE;
			time_monotonic(&this->first);
		}
		if (this->group)
		{	/* the IKE_SA_INIT request is built: no CHILD_SA with IKE_AUTH */
			drop_child_tasks(ike_sa);
		}
	}
	else if (sa && this->group)
	{
		if (!incoming && plain && type == IKE_AUTH)
		{
			message->set_exchange_type(message,
									   (exchange_type_t)GIKEV2_GSA_AUTH);
			if (!sa->idg_sent)
			{
				add_idg(this, message);
				sa->idg_sent = TRUE;
			}
		}
		else if (incoming && !plain &&
				 type == (exchange_type_t)GIKEV2_GSA_AUTH)
		{	/* parse and process it with the IKE_AUTH rules and tasks */
			message->set_exchange_type(message, IKE_AUTH);
		}
		else if (incoming && plain && type == IKE_AUTH)
		{
			read_response(sa, ike_sa, message);
		}
	}
	this->lock->unlock(this->lock);
	return TRUE;
}

METHOD(listener_t, ike_updown, bool,
	private_gdoi_gm_load_t *this, ike_sa_t *ike_sa, bool up)
{
	load_sa_t *sa;
	char reason[64];

	if (!up || !this->group)
	{
		return TRUE;
	}
	this->lock->lock(this->lock);
	sa = this->sas->get(this->sas,
						(void*)(uintptr_t)ike_sa->get_unique_id(ike_sa));
	if (sa)
	{
		if (sa->error)
		{
			snprintf(reason, sizeof(reason), "refused with %N",
					 gikev2_notify_names, sa->error);
		}
		else
		{
			snprintf(reason, sizeof(reason), "no valid group policy");
		}
		count(this, ike_sa, sa, sa->policy && !sa->error, reason);
	}
	this->lock->unlock(this->lock);
	return TRUE;
}

METHOD(listener_t, child_updown, bool,
	private_gdoi_gm_load_t *this, ike_sa_t *ike_sa, child_sa_t *child_sa,
	bool up)
{
	load_sa_t *sa;

	if (!up || this->group)
	{
		return TRUE;
	}
	this->lock->lock(this->lock);
	sa = this->sas->get(this->sas,
						(void*)(uintptr_t)ike_sa->get_unique_id(ike_sa));
	if (sa)
	{
		count(this, ike_sa, sa, TRUE, NULL);
	}
	this->lock->unlock(this->lock);
	return TRUE;
}

METHOD(listener_t, ike_state_change, bool,
	private_gdoi_gm_load_t *this, ike_sa_t *ike_sa, ike_sa_state_t state)
{
	load_sa_t *sa;

	if (state != IKE_DESTROYING)
	{
		return TRUE;
	}
	this->lock->lock(this->lock);
	sa = this->sas->remove(this->sas,
						(void*)(uintptr_t)ike_sa->get_unique_id(ike_sa));
	if (sa)
	{
		count(this, ike_sa, sa, FALSE, "IKE_SA destroyed before completion");
		free(sa);
	}
	this->lock->unlock(this->lock);
	return TRUE;
}

METHOD(gdoi_gm_load_t, destroy, void,
	private_gdoi_gm_load_t *this)
{
	this->sas->destroy_function(this->sas, (void*)free);
	DESTROY_IF(this->group);
	this->lock->destroy(this->lock);
	free(this);
}

/**
 * Parse the group identity as the groups section does: a plain decimal
 * number becomes a four octet key ID (GET VPN's identity number)
 */
static identification_t *parse_group(char *str)
{
	uint32_t number;
	u_long l;
	char *end;

	if (!*str)
	{
		return NULL;
	}
	if (strspn(str, "0123456789") == strlen(str))
	{
		errno = 0;
		l = strtoul(str, &end, 10);
		if (errno || *end || l > UINT32_MAX)
		{
			return NULL;
		}
		number = htonl(l);
		return identification_create_from_encoding(ID_KEY_ID,
												   chunk_from_thing(number));
	}
	return identification_create_from_string(str);
}

/*
 * Described in header
 */
gdoi_gm_load_t *gdoi_gm_load_create(bool *ok)
{
	private_gdoi_gm_load_t *this;
	identification_t *group = NULL;
	char *str, buf[BUF_LEN];
	int initiators, iterations;

	/* a subsection, which gdoi_settings_load() does not reach; as strict */
	*ok = TRUE;
	str = lib->settings->get_str(lib->settings,
						"%s.plugins.gdoi-gm.load_test.enable", NULL, lib->ns);
	if (!str)
	{
		return NULL;
	}
	if (settings_value_as_bool(str, FALSE) != settings_value_as_bool(str, TRUE))
	{
		DBG1(DBG_CFG, "gdoi-gm: invalid value '%s' for option "
			 "%s.plugins.gdoi-gm.load_test.enable", str, lib->ns);
		*ok = FALSE;
		return NULL;
	}
	if (!settings_value_as_bool(str, FALSE))
	{
		return NULL;
	}
	str = lib->settings->get_str(lib->settings,
						"%s.plugins.gdoi-gm.load_test.group", NULL, lib->ns);
	if (str)
	{
		group = parse_group(str);
		if (!group)
		{
			DBG1(DBG_CFG, "gdoi-gm: invalid group identity '%s' for option "
				 "%s.plugins.gdoi-gm.load_test.group", str, lib->ns);
			*ok = FALSE;
			return NULL;
		}
	}
	initiators = lib->settings->get_int(lib->settings,
						"%s.plugins.load-tester.initiators", 0, lib->ns);
	iterations = lib->settings->get_int(lib->settings,
						"%s.plugins.load-tester.iterations", 1, lib->ns);

	INIT(this,
		.public = {
			.listener = {
				.message = _message_hook,
				.ike_updown = _ike_updown,
				.child_updown = _child_updown,
				.ike_state_change = _ike_state_change,
			},
			.destroy = _destroy,
		},
		.group = group,
		.expected = max(initiators, 0) * max(iterations, 0),
		.sas = hashtable_create(hashtable_hash_ptr, hashtable_equals_ptr,
								1024),
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	if (group)
	{
		DBG1(DBG_CFG, "gdoi-gm: load test, the load-tester's IKE_SAs register "
			 "with group %s, %u expected",
			 gdoi_group_id_str(group, buf, sizeof(buf)), this->expected);
	}
	else
	{
		DBG1(DBG_CFG, "gdoi-gm: load test, counting the load-tester's plain "
			 "IKE_SA+CHILD_SA setups, %u expected", this->expected);
	}
	return &this->public;
}

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

#include "gdoi_gm_group.h"
#include "gdoi_gm_ks_list.h"
#include "gdoi_gm_installer.h"
#include "gdoi_gm_registrar.h"

#include <daemon.h>
#include <threading/mutex.h>
#include <processing/jobs/callback_job.h>
#include <sa/ikev2/keymat_v2.h>
#include <gdoi_vici.h>
#include <gikev2_keywrap.h>
#include <gikev2_registration.h>
#include <gdoi_timing.h>

/** key wrap algorithm of the registration IKE SA, as on the key server */
#define REGISTRATION_KWA GIKEV2_KW_5649_256

ENUM(gdoi_gm_state_names, GDOI_GM_IDLE, GDOI_GM_REGISTERED,
	"idle",
	"registering",
	"registered",
);

typedef struct private_gdoi_gm_group_t private_gdoi_gm_group_t;

/**
 * Private data of a gdoi_gm_group_t object.
 */
struct private_gdoi_gm_group_t {

	/**
	 * Public interface.
	 */
	gdoi_gm_group_t public;

	/**
	 * Configuration
	 */
	gdoi_group_cfg_t *cfg;

	/**
	 * Key servers in order, with failover and backoff
	 */
	gdoi_gm_ks_list_t *ks_list;

	/**
	 * Registration state
	 */
	gdoi_gm_state_t state;

	/**
	 * Key server registered with
	 */
	host_t *ks;

	/**
	 * TEKs received, gdoi_tek_t*
	 */
	linked_list_t *teks;

	/**
	 * KEK received, NULL if none
	 */
	gdoi_kek_t *kek;

	/**
	 * Installer of the group SAs, created with the first registration
	 */
	gdoi_gm_installer_t *installer;

	/**
	 * Whether the group was unloaded
	 */
	bool stopped;

	/**
	 * Monotonic time of the next re-registration, 0 if none is planned
	 */
	time_t reregister_at;

	/**
	 * Generation of the registration, so that an outdated re-registration
	 * job does nothing
	 */
	u_int generation;

	/**
	 * Registrar of the registration IKE_SAs
	 */
	gdoi_gm_registrar_t *registrar;

	/**
	 * TEK switch-over margin, seconds
	 */
	uint32_t tek_switch;

	/**
	 * Lock for everything above
	 */
	mutex_t *lock;

	/**
	 * Reference count
	 */
	refcount_t ref;
};

/**
 * Change the state, logging it
 */
static void set_state(private_gdoi_gm_group_t *this, gdoi_gm_state_t state)
{
	if (this->state != state)
	{
		DBG2(DBG_IKE, "group '%s': %N => %N", this->cfg->name,
			 gdoi_gm_state_names, this->state, gdoi_gm_state_names, state);
		this->state = state;
	}
}

METHOD(gdoi_gm_group_t, get_cfg, gdoi_group_cfg_t*,
	private_gdoi_gm_group_t *this)
{
	gdoi_group_cfg_t *cfg;

	this->lock->lock(this->lock);
	cfg = this->cfg->get_ref(this->cfg);
	this->lock->unlock(this->lock);
	return cfg;
}

METHOD(gdoi_gm_group_t, get_state, gdoi_gm_state_t,
	private_gdoi_gm_group_t *this)
{
	return this->state;
}

METHOD(gdoi_gm_group_t, update, void,
	private_gdoi_gm_group_t *this, gdoi_group_cfg_t *cfg)
{
	this->lock->lock(this->lock);
	this->cfg->destroy(this->cfg);
	this->cfg = cfg->get_ref(cfg);
	this->lock->unlock(this->lock);
}

/**
 * Register over an established registration IKE_SA with GSA_REGISTRATION
 */
static u_int register_over(private_gdoi_gm_group_t *this, gdoi_group_cfg_t *cfg,
						   u_int id)
{
	ike_sa_t *ike_sa;
	char buf[BUF_LEN];

	ike_sa = charon->ike_sa_manager->checkout_by_id(charon->ike_sa_manager,
													id);
	if (!ike_sa)
	{
		return 0;
	}
	DBG1(DBG_IKE, "GM_REGSTER: group '%s' (%s): registering with key server "
		 "%H with GSA_REGISTRATION over the IKE_SA of a registered group",
		 cfg->name, gdoi_group_id_str(cfg->id, buf, sizeof(buf)),
		 ike_sa->get_other_host(ike_sa));
	ike_sa->queue_task(ike_sa, this->registrar->create_task(this->registrar,
											ike_sa, &this->public));
	if (ike_sa->initiate(ike_sa, NULL, NULL) == DESTROY_ME)
	{
		charon->ike_sa_manager->checkin_and_destroy(charon->ike_sa_manager,
													ike_sa);
	}
	else
	{
		charon->ike_sa_manager->checkin(charon->ike_sa_manager, ike_sa);
	}
	return id;
}

/**
 * Schedule a registration
 */
static void schedule_registration(private_gdoi_gm_group_t *this,
								  uint32_t delay);

METHOD(gdoi_gm_group_t, register_, u_int,
	private_gdoi_gm_group_t *this)
{
	gdoi_group_cfg_t *cfg;
	peer_cfg_t *peer_cfg;
	ike_cfg_t *ike_cfg;
	ike_sa_t *ike_sa;
	host_t *ks, *local;
	char buf[BUF_LEN];
	bool pending;
	u_int id;

	this->lock->lock(this->lock);
	if (this->stopped || this->state == GDOI_GM_REGISTERING)
	{
		this->lock->unlock(this->lock);
		return 0;
	}
	cfg = this->cfg->get_ref(this->cfg);
	ks = this->ks_list->get_current(this->ks_list)->clone(
								this->ks_list->get_current(this->ks_list));
	this->lock->unlock(this->lock);

	/* a further group registers over the IKE_SA of one registered before
	 * (RFC 9838 2.3.2), or waits until it is set up */
	id = this->registrar->find_sa(this->registrar, cfg->connection, ks,
								  &pending);
	if (!id && pending)
	{
		DBG2(DBG_IKE, "group '%s': waiting for the registration IKE_SA to "
			 "%H", cfg->name, ks);
		cfg->destroy(cfg);
		ks->destroy(ks);
		schedule_registration(this, 1);
		return 0;
	}
	this->lock->lock(this->lock);
	set_state(this, GDOI_GM_REGISTERING);
	this->lock->unlock(this->lock);
	if (id && register_over(this, cfg, id))
	{
		cfg->destroy(cfg);
		ks->destroy(ks);
		return id;
	}

	peer_cfg = charon->backends->get_peer_cfg_by_name(charon->backends,
													  cfg->connection);
	if (!peer_cfg)
	{
		DBG1(DBG_IKE, "group '%s': connection '%s' for the registration not "
			 "found", cfg->name, cfg->connection);
		if (!id)
		{
			this->registrar->release(this->registrar, cfg->connection, ks);
		}
		cfg->destroy(cfg);
		ks->destroy(ks);
		this->public.failed(&this->public, "no connection");
		return 0;
	}
	ike_cfg = peer_cfg->get_ike_cfg(peer_cfg);
	local = ike_cfg->resolve_me(ike_cfg, ks->get_family(ks));
	ike_sa = charon->ike_sa_manager->create_new(charon->ike_sa_manager,
												IKEV2, TRUE);
	charon->bus->set_sa(charon->bus, ike_sa);
	ike_sa->set_peer_cfg(ike_sa, peer_cfg);
	ike_sa->set_kmaddress(ike_sa, local, ks);
	id = ike_sa->get_unique_id(ike_sa);
	this->registrar->track(this->registrar, id, &this->public, cfg->connection,
						   ks);
	DBG1(DBG_IKE, "GM_REGSTER: group '%s' (%s): registering with key server "
		 "%H from %H", cfg->name, gdoi_group_id_str(cfg->id, buf, sizeof(buf)),
		 ks, local);
	if (ike_sa->initiate(ike_sa, NULL, NULL) != SUCCESS)
	{
		charon->ike_sa_manager->checkin_and_destroy(charon->ike_sa_manager,
													ike_sa);
		id = 0;
	}
	else
	{
		charon->ike_sa_manager->checkin(charon->ike_sa_manager, ike_sa);
	}
	peer_cfg->destroy(peer_cfg);
	local->destroy(local);
	ks->destroy(ks);
	cfg->destroy(cfg);
	return id;
}

CALLBACK(register_job, job_requeue_t,
	private_gdoi_gm_group_t *this)
{
	this->public.register_(&this->public);
	return JOB_REQUEUE_NONE;
}

CALLBACK(release_group, void,
	private_gdoi_gm_group_t *this)
{
	this->public.destroy(&this->public);
}

/**
 * Schedule a registration
 */
static void schedule_registration(private_gdoi_gm_group_t *this,
								  uint32_t delay)
{
	job_t *job;

	job = (job_t*)callback_job_create(register_job,
									  this->public.get_ref(&this->public),
									  release_group, NULL);
	if (delay)
	{
		lib->scheduler->schedule_job(lib->scheduler, job, delay);
	}
	else
	{
		lib->processor->queue_job(lib->processor, job);
	}
}

METHOD(gdoi_gm_group_t, failed, void,
	private_gdoi_gm_group_t *this, char *reason)
{
	uint32_t wait;

	this->lock->lock(this->lock);
	if (this->stopped)
	{
		this->lock->unlock(this->lock);
		return;
	}
	DBG1(DBG_IKE, "group '%s': registration with key server %H failed: %s",
		 this->cfg->name, this->ks_list->get_current(this->ks_list), reason);
	wait = this->ks_list->failed(this->ks_list);
	if (this->state == GDOI_GM_REGISTERING)
	{
		set_state(this, this->teks->get_count(this->teks) ?
							GDOI_GM_REGISTERED : GDOI_GM_IDLE);
	}
	DBG1(DBG_IKE, "GM_CONN_NEXT_SER: group '%s': next registration with key "
		 "server %H in %us", this->cfg->name,
		 this->ks_list->get_current(this->ks_list), wait);
	this->lock->unlock(this->lock);
	schedule_registration(this, wait);
}

/**
 * A planned re-registration
 */
typedef struct {
	/** the group */
	private_gdoi_gm_group_t *group;
	/** generation of the registration it follows */
	u_int generation;
} reregistration_t;

CALLBACK(reregister_job, job_requeue_t,
	reregistration_t *this)
{
	private_gdoi_gm_group_t *group = this->group;
	bool due;

	group->lock->lock(group->lock);
	due = !group->stopped && group->generation == this->generation;
	if (due)
	{
		DBG1(DBG_IKE, "GM_RE_REGISTER: group '%s': no rekey arrived in time, "
			 "registering again", group->cfg->name);
		group->reregister_at = 0;
		group->ks_list->success(group->ks_list);
	}
	group->lock->unlock(group->lock);
	if (due)
	{
		group->public.register_(&group->public);
	}
	return JOB_REQUEUE_NONE;
}

CALLBACK(reregistration_destroy, void,
	reregistration_t *this)
{
	this->group->public.destroy(&this->group->public);
	free(this);
}

/**
 * Plan the re-registration for the keys received, with the lock held: at a
 * random point of the window before the first TEK expires (GET VPN:
 * [T - R - J, T - R]), or of the KEK's window ([T - 190 s, T - 40 s]) if
 * that comes first
 */
static void plan_reregistration(private_gdoi_gm_group_t *this)
{
	enumerator_t *enumerator;
	reregistration_t *job;
	gdoi_tek_t *tek;
	uint32_t delay = 0, at, random = 0;
	rng_t *rng;

	rng = lib->crypto->create_rng(lib->crypto, RNG_WEAK);
	if (rng)
	{
		if (!rng->get_bytes(rng, sizeof(random), (uint8_t*)&random))
		{
			random = 0;
		}
		rng->destroy(rng);
	}
	enumerator = this->teks->create_enumerator(this->teks);
	while (enumerator->enumerate(enumerator, &tek))
	{
		at = gdoi_window_pick(gdoi_tek_reregister_window(tek->lifetime),
							  random);
		if (!delay || at < delay)
		{
			delay = at;
		}
	}
	enumerator->destroy(enumerator);
	if (this->kek)
	{
		at = gdoi_window_pick(gdoi_kek_reregister_window(this->kek->lifetime),
							  random);
		if (!delay || at < delay)
		{
			delay = at;
		}
	}
	if (!delay)
	{	/* keys about to expire: not before a second from now */
		delay = 1;
	}
	this->generation++;
	this->reregister_at = time_monotonic(NULL) + delay;
	INIT(job,
		.group = (private_gdoi_gm_group_t*)this->public.get_ref(&this->public),
		.generation = this->generation,
	);
	lib->scheduler->schedule_job(lib->scheduler, (job_t*)
				callback_job_create(reregister_job, job, reregistration_destroy,
									NULL), delay);
	DBG1(DBG_IKE, "group '%s': re-registering in %us unless a rekey arrives",
		 this->cfg->name, delay);
}

/**
 * Derive the KWK of the registration IKE SA
 */
static bool derive_kwk(ike_sa_t *ike_sa, chunk_t *kwk)
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
	return gikev2_derive_gsk_w(prf, skd, REGISTRATION_KWA, kwk);
}

/**
 * The configured peers as the installer takes them (borrowing from cfg)
 */
static linked_list_t *create_peers(gdoi_group_cfg_t *cfg)
{
	enumerator_t *enumerator;
	gdoi_peer_cfg_t *peer_cfg;
	gdoi_gm_peer_t *peer;
	linked_list_t *peers;

	peers = linked_list_create();
	enumerator = cfg->peers->create_enumerator(cfg->peers);
	while (enumerator->enumerate(enumerator, &peer_cfg))
	{
		INIT(peer,
			.address = peer_cfg->address,
			.ts = peer_cfg->ts,
		);
		peers->insert_last(peers, peer);
	}
	enumerator->destroy(enumerator);
	return peers;
}

/**
 * Remove the installed TEKs and forget the keys, with the lock held
 */
static void remove_keys(private_gdoi_gm_group_t *this)
{
	gdoi_tek_t *tek;

	while (this->teks->remove_first(this->teks, (void**)&tek) == SUCCESS)
	{
		if (this->installer)
		{
			this->installer->uninstall(this->installer, tek->spi);
		}
		tek->destroy(tek);
	}
	DESTROY_IF(this->kek);
	this->kek = NULL;
}

METHOD(gdoi_gm_group_t, registered, bool,
	private_gdoi_gm_group_t *this, ike_sa_t *ike_sa, chunk_t gsa, chunk_t kd,
	gikev2_exchange_t exchange)
{
	enumerator_t *enumerator;
	linked_list_t *teks;
	gikev2_err_t err = {};
	gdoi_kek_t *kek;
	gdoi_tek_t *tek;
	chunk_t kwk = chunk_empty;
	linked_list_t *peers;
	host_t *local;
	char buf[BUF_LEN];
	u_int installed = 0;
	bool ok;

	ok = derive_kwk(ike_sa, &kwk) &&
		 gikev2_registration_decode(gsa, kd, exchange, REGISTRATION_KWA, kwk,
									&teks, &kek, &err);
	chunk_clear(&kwk);
	if (!ok)
	{
		DBG1(DBG_IKE, "group '%s': invalid group policy from key server %H: "
			 "%s", this->cfg->name, ike_sa->get_other_host(ike_sa), err.msg);
		this->public.failed(&this->public, "invalid group policy");
		return FALSE;
	}

	this->lock->lock(this->lock);
	if (this->stopped)
	{
		this->lock->unlock(this->lock);
		teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
		DESTROY_IF(kek);
		return FALSE;
	}
	if (!this->installer)
	{
		local = ike_sa->get_my_host(ike_sa)->clone(ike_sa->get_my_host(ike_sa));
		local->set_port(local, 0);
		peers = create_peers(this->cfg);
		this->installer = gdoi_gm_installer_create(this->cfg->name, local,
												   peers, this->tek_switch);
		peers->destroy_function(peers, free);
		local->destroy(local);
	}
	remove_keys(this);
	enumerator = teks->create_enumerator(teks);
	while (enumerator->enumerate(enumerator, &tek))
	{
		if (this->installer->install(this->installer, tek))
		{
			installed++;
		}
	}
	enumerator->destroy(enumerator);
	this->teks->destroy(this->teks);
	this->teks = teks;
	this->kek = kek;
	DESTROY_IF(this->ks);
	this->ks = ike_sa->get_other_host(ike_sa)->clone(
											ike_sa->get_other_host(ike_sa));
	this->ks_list->success(this->ks_list);
	set_state(this, GDOI_GM_REGISTERED);
	plan_reregistration(this);
	DBG1(DBG_IKE, "GM_REGS_COMPL: group '%s' (%s): registered with key "
		 "server %H, %u TEK%s%s", this->cfg->name,
		 gdoi_group_id_str(this->cfg->id, buf, sizeof(buf)), this->ks,
		 teks->get_count(teks), teks->get_count(teks) == 1 ? "" : "s",
		 kek ? " and a KEK" : "");
	if (installed == teks->get_count(teks))
	{
		DBG1(DBG_KNL, "GM_INSTALL_POLICIES_SUCCESS: group '%s': %u group SA%s "
			 "installed", this->cfg->name, installed, installed == 1 ? "" : "s");
	}
	else
	{
		DBG1(DBG_KNL, "group '%s': only %u of %u group SAs installed",
			 this->cfg->name, installed, teks->get_count(teks));
	}
	this->lock->unlock(this->lock);
	return installed == teks->get_count(teks);
}

METHOD(gdoi_gm_group_t, list, void,
	private_gdoi_gm_group_t *this, vici_builder_t *b)
{
	enumerator_t *enumerator;
	host_t *host;

	this->lock->lock(this->lock);
	b->begin_list(b, "key-servers");
	enumerator = this->cfg->key_servers->create_enumerator(
													this->cfg->key_servers);
	while (enumerator->enumerate(enumerator, &host))
	{
		b->add_li(b, "%H", host);
	}
	enumerator->destroy(enumerator);
	b->end_list(b);
	b->add_kv(b, "state", "%N", gdoi_gm_state_names, this->state);
	if (this->ks)
	{
		b->add_kv(b, "key-server", "%H", this->ks);
	}
	if (this->reregister_at)
	{
		b->add_kv(b, "reregister-in", "%u", (u_int)max(0,
					this->reregister_at - time_monotonic(NULL)));
	}
	gdoi_vici_add_keys(b, this->teks, this->kek);
	this->lock->unlock(this->lock);
}

METHOD(gdoi_gm_group_t, stop, void,
	private_gdoi_gm_group_t *this)
{
	this->lock->lock(this->lock);
	this->stopped = TRUE;
	this->reregister_at = 0;
	remove_keys(this);
	DESTROY_IF(this->installer);
	this->installer = NULL;
	set_state(this, GDOI_GM_IDLE);
	this->lock->unlock(this->lock);
}

METHOD(gdoi_gm_group_t, get_ref, gdoi_gm_group_t*,
	private_gdoi_gm_group_t *this)
{
	ref_get(&this->ref);
	return &this->public;
}

METHOD(gdoi_gm_group_t, destroy, void,
	private_gdoi_gm_group_t *this)
{
	if (!ref_put(&this->ref))
	{
		return;
	}
	remove_keys(this);
	this->teks->destroy(this->teks);
	DESTROY_IF(this->installer);
	DESTROY_IF(this->ks);
	this->ks_list->destroy(this->ks_list);
	this->cfg->destroy(this->cfg);
	this->lock->destroy(this->lock);
	free(this);
}

/*
 * Described in header
 */
gdoi_gm_group_t *gdoi_gm_group_create(gdoi_group_cfg_t *cfg,
									  u_int tries, uint32_t backoff,
									  uint32_t backoff_max,
									  uint32_t tek_switch,
									  gdoi_gm_registrar_t *registrar)
{
	private_gdoi_gm_group_t *this;
	enumerator_t *enumerator;
	linked_list_t *servers;
	host_t *host;

	servers = linked_list_create();
	enumerator = cfg->key_servers->create_enumerator(cfg->key_servers);
	while (enumerator->enumerate(enumerator, &host))
	{
		servers->insert_last(servers, host->clone(host));
	}
	enumerator->destroy(enumerator);

	INIT(this,
		.public = {
			.get_cfg = _get_cfg,
			.get_state = _get_state,
			.update = _update,
			.register_ = _register_,
			.registered = _registered,
			.failed = _failed,
			.list = _list,
			.stop = _stop,
			.get_ref = _get_ref,
			.destroy = _destroy,
		},
		.cfg = cfg->get_ref(cfg),
		.ks_list = gdoi_gm_ks_list_create(cfg->name, servers, tries, backoff,
										  backoff_max),
		.teks = linked_list_create(),
		.registrar = registrar,
		.tek_switch = tek_switch,
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
		.ref = 1,
	);
	schedule_registration(this, 0);
	return &this->public;
}

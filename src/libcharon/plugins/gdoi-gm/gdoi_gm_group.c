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
#include "gdoi_gm_rekey_socket.h"

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
	 * Seconds until a TEK named in a Delete payload is removed
	 */
	uint32_t delete_delay;

	/**
	 * The member's address at the last registration
	 */
	host_t *local;

	/**
	 * KEK before the current one, to recognize its retransmitted rekeys
	 */
	gdoi_kek_t *prev_kek;

	/**
	 * Whether a Message ID was accepted under the current KEK
	 */
	bool mid_valid;

	/**
	 * Last Message ID accepted under the current KEK
	 */
	uint32_t last_mid;

	/**
	 * The last rekey accepted: KEK SPI, Message ID and SHA-256 digest, to
	 * acknowledge its retransmissions again (our acknowledgement may have
	 * been lost)
	 */
	bool last_valid;
	uint8_t last_spi[GDOI_KEK_SPI_SIZE];
	uint32_t last_ack_mid;
	uint8_t last_digest[HASH_SIZE_SHA256];

	/**
	 * Socket for multicast rekeys, NULL if the KEK is not multicast
	 */
	gdoi_gm_rekey_socket_t *socket;

	/**
	 * Rekeys accepted (GSA_REKEY and GSA_INBAND_REKEY)
	 */
	uint64_t rekeys;

	/**
	 * Rekeys refused, per reason
	 */
	uint64_t rejected[GIKEV2_REKEY_REJECT_MAX];

	/**
	 * Retransmissions of the rekey accepted last, dropped as duplicates
	 */
	uint64_t duplicates;

	/**
	 * Acknowledgements sent
	 */
	uint64_t acks;

	/**
	 * Monotonic time of the last rekey accepted, 0 if none
	 */
	time_t last_rekey;

	/**
	 * Source of the last rekey accepted
	 */
	host_t *rekey_from;

	/**
	 * What the planned re-registration is for
	 */
	char reregister_reason[64];

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

/**
 * Raise the group-reregister event
 */
static void raise_reregister(char *name, char *reason)
{
	vici_builder_t *b;

	if (gdoi_vici_has_listeners(GDOI_VICI_REREGISTER))
	{
		b = vici_builder_create();
		b->add_kv(b, "group", "%s", name);
		b->add_kv(b, "reason", "%s", reason);
		gdoi_vici_raise(GDOI_VICI_REREGISTER, b->finalize(b));
	}
}

CALLBACK(reregister_job, job_requeue_t,
	reregistration_t *this)
{
	private_gdoi_gm_group_t *group = this->group;
	char name[BUF_LEN], reason[sizeof(group->reregister_reason)];
	bool due;

	group->lock->lock(group->lock);
	due = !group->stopped && group->generation == this->generation;
	if (due)
	{
		DBG1(DBG_IKE, "GM_RE_REGISTER: group '%s': no rekey arrived in time "
			 "(%s), registering again", group->cfg->name,
			 group->reregister_reason);
		snprintf(name, sizeof(name), "%s", group->cfg->name);
		snprintf(reason, sizeof(reason), "%s", group->reregister_reason);
		group->reregister_at = 0;
		group->ks_list->success(group->ks_list);
	}
	group->lock->unlock(group->lock);
	if (due)
	{
		raise_reregister(name, reason);
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
 * Whether two TEKs protect the same traffic
 */
static bool same_traffic(gdoi_tek_t *a, gdoi_tek_t *b)
{
	return a->src->equals(a->src, b->src) && a->dst->equals(a->dst, b->dst);
}

/**
 * Forget the TEKs that expired (the installer removes their SAs), with the
 * lock held
 */
static void prune_teks(private_gdoi_gm_group_t *this, time_t now)
{
	enumerator_t *enumerator;
	gdoi_tek_t *tek;

	enumerator = this->teks->create_enumerator(this->teks);
	while (enumerator->enumerate(enumerator, &tek))
	{
		if (!tek->get_remaining(tek, now))
		{
			this->teks->remove_at(this->teks, enumerator);
			tek->destroy(tek);
		}
	}
	enumerator->destroy(enumerator);
}

/**
 * Plan the re-registration for the keys held, with the lock held: at a
 * random point of the window before the newest TEK of each traffic expires
 * (GET VPN: [T - R - J, T - R]), or of the current KEK's window
 * ([T - 190 s, T - 40 s]) if that comes first
 */
static void plan_reregistration(private_gdoi_gm_group_t *this)
{
	enumerator_t *enumerator, *others;
	reregistration_t *job;
	gdoi_tek_t *tek, *other;
	time_t now, at = 0, t;
	uint32_t delay, random = 0;
	bool newest;
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
	now = time_monotonic(NULL);
	prune_teks(this, now);
	enumerator = this->teks->create_enumerator(this->teks);
	while (enumerator->enumerate(enumerator, &tek))
	{
		newest = TRUE;
		others = this->teks->create_enumerator(this->teks);
		while (newest && others->enumerate(others, &other))
		{
			newest = !same_traffic(tek, other) ||
					 other->created + other->lifetime <=
												tek->created + tek->lifetime;
		}
		others->destroy(others);
		if (!newest)
		{
			continue;
		}
		t = tek->created + gdoi_window_pick(
					gdoi_tek_reregister_window(tek->lifetime), random);
		if (!at || t < at)
		{
			at = t;
			snprintf(this->reregister_reason, sizeof(this->reregister_reason),
					 "TEK %.8x expires", ntohl(tek->spi));
		}
	}
	enumerator->destroy(enumerator);
	if (this->kek)
	{
		t = this->kek->created + gdoi_window_pick(
					gdoi_kek_reregister_window(this->kek->lifetime), random);
		if (!at || t < at)
		{
			at = t;
			snprintf(this->reregister_reason, sizeof(this->reregister_reason),
					 "KEK expires");
		}
	}
	/* keys about to expire: not before a second from now */
	delay = at > now ? at - now : 1;
	this->generation++;
	this->reregister_at = now + delay;
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

CALLBACK(socket_received, void,
	private_gdoi_gm_group_t *this, chunk_t datagram, host_t *src, host_t *dst)
{
	gdoi_gm_group_queue_rekey(&this->public, datagram, src, dst, FALSE);
}

/**
 * Open, keep or close the multicast rekey socket for the current KEK, with
 * the lock held
 */
static void update_socket(private_gdoi_gm_group_t *this)
{
	host_t *dst = NULL, *current;

	if (this->kek && !this->stopped && this->local)
	{
		dst = gdoi_ts_multicast(this->kek->dst);
	}
	if (this->socket)
	{
		current = this->socket->get_address(this->socket);
		if (dst && dst->equals(dst, current))
		{
			dst->destroy(dst);
			return;
		}
		/* waits for a callback that runs, which takes no lock of ours */
		this->socket->destroy(this->socket);
		this->socket = NULL;
	}
	if (dst)
	{
		this->socket = gdoi_gm_rekey_socket_create(this->cfg->name, dst,
									this->local, socket_received, this);
		dst->destroy(dst);
	}
}

/**
 * Take a KEK, keeping the replaced one to recognize its retransmissions,
 * with the lock held
 */
static void replace_kek(private_gdoi_gm_group_t *this, gdoi_kek_t *kek)
{
	if (this->kek && memeq(this->kek->spi, kek->spi, GDOI_KEK_SPI_SIZE))
	{	/* the same Rekey SA, its Message IDs go on */
		this->kek->destroy(this->kek);
	}
	else
	{
		DESTROY_IF(this->prev_kek);
		this->prev_kek = this->kek;
		this->mid_valid = FALSE;
		if (this->prev_kek)
		{
			DBG1(DBG_IKE, "SA_KEK_UPDATED: group '%s': KEK %+B replaces KEK "
				 "%+B", this->cfg->name,
				 &(chunk_t){kek->spi, GDOI_KEK_SPI_SIZE},
				 &(chunk_t){this->prev_kek->spi, GDOI_KEK_SPI_SIZE});
		}
	}
	this->kek = kek;
	update_socket(this);
}

/**
 * Find a TEK we hold by SPI, with the lock held
 */
static gdoi_tek_t *find_tek(private_gdoi_gm_group_t *this, uint32_t spi)
{
	enumerator_t *enumerator;
	gdoi_tek_t *tek, *found = NULL;

	enumerator = this->teks->create_enumerator(this->teks);
	while (!found && enumerator->enumerate(enumerator, &tek))
	{
		if (tek->spi == spi)
		{
			found = tek;
		}
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Order TEKs by the time they expire
 */
static int tek_expiry_cmp(const void *a, const void *b, void *user)
{
	const gdoi_tek_t *ta = a, *tb = b;
	time_t ea = ta->created + ta->lifetime, eb = tb->created + tb->lifetime;

	return ea < eb ? -1 : ea > eb;
}

/**
 * Install TEKs we do not hold yet, the one expiring first first, so that
 * the sending TEK is chosen without a detour; with the lock held
 *
 * @return			number of TEKs that failed to install
 */
static u_int install_teks(private_gdoi_gm_group_t *this, linked_list_t *teks)
{
	enumerator_t *enumerator;
	gdoi_tek_t *tek;
	array_t *sorted;
	u_int failed = 0;

	sorted = array_create(0, 0);
	enumerator = teks->create_enumerator(teks);
	while (enumerator->enumerate(enumerator, &tek))
	{
		array_insert(sorted, ARRAY_TAIL, tek);
	}
	enumerator->destroy(enumerator);
	array_sort(sorted, tek_expiry_cmp, NULL);
	enumerator = array_create_enumerator(sorted);
	while (enumerator->enumerate(enumerator, &tek))
	{
		if (find_tek(this, tek->spi))
		{
			DBG2(DBG_IKE, "group '%s': TEK %.8x is installed already",
				 this->cfg->name, ntohl(tek->spi));
		}
		else if (this->installer->install(this->installer, tek))
		{
			this->teks->insert_last(this->teks, tek->get_ref(tek));
		}
		else
		{
			failed++;
		}
	}
	enumerator->destroy(enumerator);
	array_destroy(sorted);
	return failed;
}

/**
 * Retire a TEK we hold: stop sending with it now, remove it after the
 * delete delay; with the lock held
 */
static void retire_tek(private_gdoi_gm_group_t *this, gdoi_tek_t *tek)
{
	this->teks->remove(this->teks, tek, NULL);
	if (this->installer)
	{
		this->installer->retire(this->installer, tek->spi,
								this->delete_delay);
	}
	tek->destroy(tek);
}

CALLBACK(tek_spi_equals, bool,
	gdoi_tek_t *tek, va_list args)
{
	gdoi_tek_t *other;

	VA_ARGS_VGET(args, other);
	return tek->spi == other->spi;
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
	DESTROY_IF(this->prev_kek);
	this->prev_kek = NULL;
	this->mid_valid = FALSE;
	this->last_valid = FALSE;
	update_socket(this);
}

METHOD(gdoi_gm_group_t, install_keys, bool,
	private_gdoi_gm_group_t *this, host_t *ks, host_t *local,
	linked_list_t *teks, gdoi_kek_t *kek)
{
	enumerator_t *enumerator;
	linked_list_t *peers, *old;
	gdoi_tek_t *tek;
	char buf[BUF_LEN];
	u_int failed, count;

	this->lock->lock(this->lock);
	if (this->stopped)
	{
		this->lock->unlock(this->lock);
		return FALSE;
	}
	if (!this->installer)
	{
		peers = create_peers(this->cfg);
		this->installer = gdoi_gm_installer_create(this->cfg->name, local,
												   peers, this->tek_switch);
		peers->destroy_function(peers, free);
	}
	DESTROY_IF(this->local);
	this->local = local->clone(local);

	/* the key server hands out every TEK it holds: those we hold already
	 * stay as they are, new ones roll in, and those it no longer hands out
	 * are retired */
	failed = install_teks(this, teks);
	old = linked_list_create();
	enumerator = this->teks->create_enumerator(this->teks);
	while (enumerator->enumerate(enumerator, &tek))
	{
		if (!teks->find_first(teks, tek_spi_equals, NULL, tek))
		{
			old->insert_last(old, tek);
		}
	}
	enumerator->destroy(enumerator);
	while (old->remove_first(old, (void**)&tek) == SUCCESS)
	{
		DBG1(DBG_IKE, "group '%s': TEK %.8x is no longer handed out, "
			 "retiring it", this->cfg->name, ntohl(tek->spi));
		retire_tek(this, tek);
	}
	old->destroy(old);
	if (kek)
	{
		replace_kek(this, kek->get_ref(kek));
	}
	count = teks->get_count(teks);

	DESTROY_IF(this->ks);
	this->ks = ks->clone(ks);
	this->ks_list->success(this->ks_list);
	set_state(this, GDOI_GM_REGISTERED);
	plan_reregistration(this);
	DBG1(DBG_IKE, "GM_REGS_COMPL: group '%s' (%s): registered with key "
		 "server %H, %u TEK%s%s", this->cfg->name,
		 gdoi_group_id_str(this->cfg->id, buf, sizeof(buf)), this->ks,
		 count, count == 1 ? "" : "s", kek ? " and a KEK" : "");
	if (!failed)
	{
		DBG1(DBG_KNL, "GM_INSTALL_POLICIES_SUCCESS: group '%s': %u group SA%s "
			 "installed", this->cfg->name, count, count == 1 ? "" : "s");
	}
	else
	{
		DBG1(DBG_KNL, "group '%s': only %u of %u group SAs installed",
			 this->cfg->name, count - failed, count);
	}
	this->lock->unlock(this->lock);
	return !failed;
}

METHOD(gdoi_gm_group_t, registered, bool,
	private_gdoi_gm_group_t *this, ike_sa_t *ike_sa, chunk_t gsa, chunk_t kd,
	gikev2_exchange_t exchange)
{
	linked_list_t *teks;
	gikev2_err_t err = {};
	gdoi_kek_t *kek;
	chunk_t kwk = chunk_empty;
	host_t *local;
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
	local = ike_sa->get_my_host(ike_sa)->clone(ike_sa->get_my_host(ike_sa));
	local->set_port(local, 0);
	ok = install_keys(this, ike_sa->get_other_host(ike_sa), local, teks, kek);
	local->destroy(local);
	teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	DESTROY_IF(kek);
	return ok;
}

METHOD(gdoi_gm_group_t, has_kek, bool,
	private_gdoi_gm_group_t *this, uint8_t *spi)
{
	bool found;

	this->lock->lock(this->lock);
	found = (this->kek && memeq(this->kek->spi, spi, GDOI_KEK_SPI_SIZE)) ||
			(this->prev_kek &&
			 memeq(this->prev_kek->spi, spi, GDOI_KEK_SPI_SIZE));
	this->lock->unlock(this->lock);
	return found;
}

/**
 * What a rekey brought, for the log and the event
 */
typedef struct {
	/** Message ID, GSA_REKEY only */
	uint32_t mid;
	/** SPIs of the new TEKs, network order */
	array_t *spis;
	/** SPIs deleted, network order */
	array_t *deleted;
	/** new KEK, if any */
	bool new_kek;
	uint8_t kek_spi[GDOI_KEK_SPI_SIZE];
	/** TEKs that failed to install */
	u_int failed;
} applied_t;

/**
 * Apply the keys of an authentic rekey, with the lock held: install the
 * new TEKs, retire the deleted ones, take a new KEK (with the current
 * KEK's authentication), plan the re-registration anew
 */
static void apply_rekey(private_gdoi_gm_group_t *this, linked_list_t *teks,
						gdoi_kek_t *kek, uint32_t *del_spis, u_int del_count,
						applied_t *applied)
{
	enumerator_t *enumerator;
	linked_list_t *retire;
	gdoi_tek_t *tek;
	u_int i;

	/* Deletes refer to TEKs held before this rekey, SPI 0 to all of them */
	retire = linked_list_create();
	for (i = 0; i < del_count; i++)
	{
		enumerator = this->teks->create_enumerator(this->teks);
		while (enumerator->enumerate(enumerator, &tek))
		{
			if ((!del_spis[i] || tek->spi == del_spis[i]) &&
				!retire->find_first(retire, NULL, (void**)&tek))
			{
				retire->insert_last(retire, tek);
			}
		}
		enumerator->destroy(enumerator);
		array_insert(applied->deleted, ARRAY_TAIL, &del_spis[i]);
	}
	if (teks)
	{
		enumerator = teks->create_enumerator(teks);
		while (enumerator->enumerate(enumerator, &tek))
		{
			if (!find_tek(this, tek->spi))
			{
				array_insert(applied->spis, ARRAY_TAIL, &tek->spi);
			}
		}
		enumerator->destroy(enumerator);
		applied->failed = install_teks(this, teks);
	}
	while (retire->remove_first(retire, (void**)&tek) == SUCCESS)
	{
		DBG1(DBG_IKE, "GM_RECV_DELETE: group '%s': TEK %.8x deleted, removing "
			 "it in %us", this->cfg->name, ntohl(tek->spi), this->delete_delay);
		retire_tek(this, tek);
	}
	retire->destroy(retire);
	if (kek)
	{
		kek->set_auth(kek, this->kek->auth_key, this->kek->auth_scheme);
		applied->new_kek = TRUE;
		memcpy(applied->kek_spi, kek->spi, GDOI_KEK_SPI_SIZE);
		replace_kek(this, kek->get_ref(kek));
	}
	this->rekeys++;
	this->last_rekey = time_monotonic(NULL);
	plan_reregistration(this);
}

/**
 * Log and announce an accepted rekey, without the lock
 */
static void announce_rekey(char *name, char *exchange, host_t *src,
						   applied_t *applied, bool with_mid)
{
	vici_builder_t *b;
	uint32_t spi;
	char mid[32] = "";
	int i;

	if (with_mid)
	{
		snprintf(mid, sizeof(mid), " with Message ID %u", applied->mid);
	}
	DBG1(DBG_IKE, "GM_RECV_REKEY: group '%s': %s from %H%s: %u new TEK%s, "
		 "%u deleted%s", name, exchange, src, mid, array_count(applied->spis),
		 array_count(applied->spis) == 1 ? "" : "s",
		 array_count(applied->deleted), applied->new_kek ? ", new KEK" : "");
	for (i = 0; i < array_count(applied->spis); i++)
	{
		array_get(applied->spis, i, &spi);
		DBG1(DBG_KNL, "SA_TEK_UPDATED: group '%s': TEK %.8x", name,
			 ntohl(spi));
	}
	if (applied->failed)
	{
		DBG1(DBG_KNL, "group '%s': %u TEK%s of the rekey failed to install",
			 name, applied->failed, applied->failed == 1 ? "" : "s");
	}
	if (!gdoi_vici_has_listeners(GDOI_VICI_REKEY_RECEIVED))
	{
		return;
	}
	b = vici_builder_create();
	b->add_kv(b, "group", "%s", name);
	b->add_kv(b, "exchange", "%s", exchange);
	b->add_kv(b, "source", "%H", src);
	if (with_mid)
	{
		b->add_kv(b, "mid", "%u", applied->mid);
	}
	b->begin_list(b, "spis");
	for (i = 0; i < array_count(applied->spis); i++)
	{
		array_get(applied->spis, i, &spi);
		b->add_li(b, "%.8x", ntohl(spi));
	}
	b->end_list(b);
	if (array_count(applied->deleted))
	{
		b->begin_list(b, "deleted");
		for (i = 0; i < array_count(applied->deleted); i++)
		{
			array_get(applied->deleted, i, &spi);
			b->add_li(b, "%.8x", ntohl(spi));
		}
		b->end_list(b);
	}
	if (applied->new_kek)
	{
		b->add_kv(b, "kek", "%+B",
				  &(chunk_t){applied->kek_spi, GDOI_KEK_SPI_SIZE});
	}
	gdoi_vici_raise(GDOI_VICI_REKEY_RECEIVED, b->finalize(b));
}

/**
 * Log and announce a refused rekey, without the lock; a retransmission of
 * the rekey accepted last is no failure: it is counted as a duplicate and
 * logged on level 2 only
 */
static void announce_reject(char *name, char *exchange, host_t *src,
							gikev2_rekey_reject_t reason, char *detail,
							bool retransmission)
{
	vici_builder_t *b;

	if (retransmission)
	{
		DBG2(DBG_IKE, "group '%s': %s from %#H dropped: %s", name, exchange,
			 src, detail);
		return;
	}
	DBG1(DBG_IKE, "%sgroup '%s': %s from %#H refused, %N: %s",
		 reason == GIKEV2_REKEY_REPLAY ? "GDOI_REKEY_SEQ_FAILURE: " :
										 "GDOI_REKEY_FAILURE: ",
		 name, exchange, src, gikev2_rekey_reject_names, reason, detail);
	if (gdoi_vici_has_listeners(GDOI_VICI_REKEY_REJECTED))
	{
		b = vici_builder_create();
		b->add_kv(b, "group", "%s", name);
		b->add_kv(b, "exchange", "%s", exchange);
		b->add_kv(b, "reason", "%N", gikev2_rekey_reject_names, reason);
		b->add_kv(b, "source", "%H", src);
		gdoi_vici_raise(GDOI_VICI_REKEY_REJECTED, b->finalize(b));
	}
}

/**
 * SHA-256 digest of a datagram
 */
static bool digest_datagram(chunk_t datagram, uint8_t *digest)
{
	hasher_t *hasher;
	bool ok;

	hasher = lib->crypto->create_hasher(lib->crypto, HASH_SHA256);
	if (!hasher)
	{
		return FALSE;
	}
	ok = hasher->get_hash(hasher, datagram, digest);
	hasher->destroy(hasher);
	return ok;
}

/**
 * Send an acknowledgement to the source of a unicast rekey, from the local
 * address and port it arrived on
 */
static bool send_ack(private_gdoi_gm_group_t *this, chunk_t ack, host_t *src,
					 host_t *dst)
{
	packet_t *packet;
	status_t status;

	packet = packet_create_from_data(dst->clone(dst), src->clone(src), ack);
	status = charon->socket->send(charon->socket, packet);
	packet->destroy(packet);
	if (status != SUCCESS)
	{
		DBG1(DBG_NET, "group '%s': sending the rekey acknowledgement to %#H "
			 "failed", this->cfg->name, src);
		return FALSE;
	}
	this->lock->lock(this->lock);
	this->acks++;
	this->lock->unlock(this->lock);
	return TRUE;
}

METHOD(gdoi_gm_group_t, rekey, gikev2_rekey_reject_t,
	private_gdoi_gm_group_t *this, chunk_t datagram, host_t *src, host_t *dst,
	bool unicast)
{
	gikev2_rekey_reject_t reason = GIKEV2_REKEY_OK;
	gikev2_rekey_hdr_t hdr = {};
	gikev2_err_t err = {};
	linked_list_t *teks = NULL;
	gdoi_kek_t *kek = NULL, *new_kek = NULL;
	chunk_t gsa = chunk_empty, kd = chunk_empty, ack = chunk_empty;
	chunk_t encr, integ, kwk;
	uint8_t digest[HASH_SIZE_SHA256];
	uint32_t *del_spis = NULL;
	u_int del_count = 0;
	applied_t applied = {};
	char name[BUF_LEN], detail[BUF_LEN] = "";
	bool have_digest = FALSE, retransmission = FALSE;

	/* cheap checks first: header, KEK SPI, Message ID */
	if (gikev2_rekey_peek(datagram, &hdr, &reason, &err))
	{
		if (hdr.response)
		{
			reason = GIKEV2_REKEY_MALFORMED;
			snprintf(detail, sizeof(detail), "an acknowledgement, not a rekey");
		}
		else
		{
			have_digest = digest_datagram(datagram, digest);
		}
	}
	this->lock->lock(this->lock);
	snprintf(name, sizeof(name), "%s", this->cfg->name);
	if (reason == GIKEV2_REKEY_OK)
	{
		if (!this->stopped && this->kek &&
			memeq(this->kek->spi, hdr.spi, GDOI_KEK_SPI_SIZE) &&
			this->kek->get_remaining(this->kek, time_monotonic(NULL)))
		{
			kek = this->kek->get_ref(this->kek);
		}
		else if (!this->stopped && this->prev_kek &&
				 memeq(this->prev_kek->spi, hdr.spi, GDOI_KEK_SPI_SIZE))
		{	/* an older rekey: a replay, acknowledged again below if it is
			 * the one we accepted last */
			kek = this->prev_kek->get_ref(this->prev_kek);
		}
		if (!kek)
		{
			reason = GIKEV2_REKEY_UNKNOWN_SPI;
			snprintf(detail, sizeof(detail), "no current KEK with SPI %+B",
					 &(chunk_t){hdr.spi, GDOI_KEK_SPI_SIZE});
		}
		else if (kek != this->kek ||
				 (this->mid_valid && hdr.mid <= this->last_mid))
		{
			reason = GIKEV2_REKEY_REPLAY;
			if (have_digest && this->last_valid &&
				hdr.mid == this->last_ack_mid &&
				memeq(hdr.spi, this->last_spi, GDOI_KEK_SPI_SIZE) &&
				memeq_const(digest, this->last_digest, sizeof(digest)))
			{	/* the key server retransmits every rekey, bitwise identical;
				 * a unicast one is acknowledged again, as our
				 * acknowledgement may have been lost */
				retransmission = TRUE;
				snprintf(detail, sizeof(detail), "Message ID %u is a "
						 "retransmission of the rekey accepted last%s",
						 hdr.mid, unicast ? ", acknowledging it again" : "");
				if (unicast)
				{
					gikev2_rekey_build_ack(kek, hdr.mid, &ack, NULL);
				}
			}
			else
			{
				snprintf(detail, sizeof(detail), "Message ID %u %s", hdr.mid,
						 kek != this->kek ? "under the previous KEK" :
						 "is not after the last one accepted");
			}
		}
		/* then integrity, decryption and signature */
		else if (gikev2_rekey_open(datagram, kek, &gsa, &kd, &del_spis,
								   &del_count, &reason, &err))
		{
			if (gsa.len)
			{
				kek->get_keys(kek, &encr, &integ, &kwk);
				if (!gikev2_registration_decode(gsa, kd, GIKEV2_GSA_REKEY,
									kek->kwa, kwk, &teks, &new_kek, &err))
				{
					reason = GIKEV2_REKEY_POLICY;
				}
			}
		}
	}
	if (reason == GIKEV2_REKEY_OK)
	{
		this->last_mid = hdr.mid;
		this->mid_valid = TRUE;
		this->last_valid = have_digest;
		memcpy(this->last_spi, hdr.spi, GDOI_KEK_SPI_SIZE);
		this->last_ack_mid = hdr.mid;
		memcpy(this->last_digest, digest, sizeof(digest));
		applied.mid = hdr.mid;
		applied.spis = array_create(sizeof(uint32_t), 0);
		applied.deleted = array_create(sizeof(uint32_t), 0);
		apply_rekey(this, teks, new_kek, del_spis, del_count, &applied);
		DESTROY_IF(this->rekey_from);
		this->rekey_from = src->clone(src);
		if (unicast &&
			!gikev2_rekey_build_ack(kek, hdr.mid, &ack, &err))
		{
			DBG1(DBG_IKE, "group '%s': building the rekey acknowledgement "
				 "failed: %s", name, err.msg);
		}
	}
	else if (retransmission)
	{
		this->duplicates++;
	}
	else
	{
		this->rejected[reason]++;
	}
	this->lock->unlock(this->lock);

	if (reason == GIKEV2_REKEY_OK)
	{
		announce_rekey(name, "GSA_REKEY", src, &applied, TRUE);
		array_destroy(applied.spis);
		array_destroy(applied.deleted);
	}
	else
	{
		if (!detail[0])
		{
			snprintf(detail, sizeof(detail), "%s", err.msg);
		}
		announce_reject(name, "GSA_REKEY", src, reason, detail,
						retransmission);
	}
	if (ack.len && send_ack(this, ack, src, dst))
	{
		DBG1(DBG_IKE, "group '%s': acknowledged Message ID %u to %#H", name,
			 hdr.mid, src);
	}
	else
	{
		chunk_free(&ack);
	}
	if (teks)
	{
		teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	}
	DESTROY_IF(new_kek);
	DESTROY_IF(kek);
	chunk_free(&gsa);
	chunk_clear(&kd);
	free(del_spis);
	return reason;
}

/**
 * Whether an inband rekey concerns this group: its KEK, the traffic of one
 * of its TEKs or one of its TEKs deleted; with the lock held
 */
static bool concerns(private_gdoi_gm_group_t *this, linked_list_t *teks,
					 gdoi_kek_t *kek, uint32_t *del_spis, u_int del_count)
{
	enumerator_t *enumerator, *mine;
	gdoi_tek_t *tek, *held;
	bool found = FALSE;
	u_int i;

	if (kek && this->kek && memeq(kek->spi, this->kek->spi, GDOI_KEK_SPI_SIZE))
	{
		return TRUE;
	}
	for (i = 0; i < del_count; i++)
	{
		if (del_spis[i] && find_tek(this, del_spis[i]))
		{
			return TRUE;
		}
	}
	if (teks)
	{
		enumerator = teks->create_enumerator(teks);
		while (!found && enumerator->enumerate(enumerator, &tek))
		{
			mine = this->teks->create_enumerator(this->teks);
			while (!found && mine->enumerate(mine, &held))
			{
				found = same_traffic(tek, held);
			}
			mine->destroy(mine);
		}
		enumerator->destroy(enumerator);
	}
	return found;
}

METHOD(gdoi_gm_group_t, inband_rekey, gikev2_rekey_reject_t,
	private_gdoi_gm_group_t *this, ike_sa_t *ike_sa, chunk_t gsa, chunk_t kd,
	uint32_t *del_spis, u_int del_count, bool only)
{
	gikev2_rekey_reject_t reason = GIKEV2_REKEY_OK;
	gikev2_err_t err = {};
	linked_list_t *teks = NULL;
	gdoi_kek_t *kek = NULL;
	chunk_t kwk = chunk_empty;
	applied_t applied = {};
	char name[BUF_LEN], detail[BUF_LEN] = "";
	host_t *src;

	src = ike_sa->get_other_host(ike_sa);
	if (gsa.len &&
		(!derive_kwk(ike_sa, &kwk) ||
		 !gikev2_registration_decode(gsa, kd, GIKEV2_GSA_INBAND_REKEY,
									 REGISTRATION_KWA, kwk, &teks, &kek, &err)))
	{
		reason = GIKEV2_REKEY_POLICY;
	}
	chunk_clear(&kwk);

	this->lock->lock(this->lock);
	snprintf(name, sizeof(name), "%s", this->cfg->name);
	if (reason == GIKEV2_REKEY_OK && !only &&
		!concerns(this, teks, kek, del_spis, del_count))
	{
		this->lock->unlock(this->lock);
		DESTROY_IF(kek);
		if (teks)
		{
			teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
		}
		return GIKEV2_REKEY_UNKNOWN_SPI;
	}
	if (reason == GIKEV2_REKEY_OK && (this->stopped || !this->installer))
	{
		reason = GIKEV2_REKEY_UNKNOWN_SPI;
		snprintf(detail, sizeof(detail), "the group is not registered");
	}
	if (reason == GIKEV2_REKEY_OK && kek && !this->kek)
	{	/* there is no authentication to inherit */
		reason = GIKEV2_REKEY_POLICY;
		snprintf(detail, sizeof(detail), "a KEK, but none held to take the "
				 "authentication from");
	}
	if (reason == GIKEV2_REKEY_OK)
	{
		applied.spis = array_create(sizeof(uint32_t), 0);
		applied.deleted = array_create(sizeof(uint32_t), 0);
		apply_rekey(this, teks, kek, del_spis, del_count, &applied);
		DESTROY_IF(this->rekey_from);
		this->rekey_from = src->clone(src);
	}
	else
	{
		this->rejected[reason]++;
	}
	this->lock->unlock(this->lock);

	if (reason == GIKEV2_REKEY_OK)
	{
		announce_rekey(name, "GSA_INBAND_REKEY", src, &applied, FALSE);
		array_destroy(applied.spis);
		array_destroy(applied.deleted);
	}
	else
	{
		if (!detail[0])
		{
			snprintf(detail, sizeof(detail), "%s", err.msg);
		}
		announce_reject(name, "GSA_INBAND_REKEY", src, reason, detail,
						FALSE);
	}
	DESTROY_IF(kek);
	if (teks)
	{
		teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
	}
	return reason;
}

METHOD(gdoi_gm_group_t, list, void,
	private_gdoi_gm_group_t *this, vici_builder_t *b)
{
	enumerator_t *enumerator;
	gdoi_gm_rollover_t *rollover;
	gikev2_rekey_reject_t reason;
	host_t *host;
	time_t now;
	char idx[16];
	int i = 0;

	now = time_monotonic(NULL);
	this->lock->lock(this->lock);
	prune_teks(this, now);
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
					this->reregister_at - now));
		b->add_kv(b, "reregister-for", "%s", this->reregister_reason);
	}
	if (this->socket)
	{
		b->add_kv(b, "rekey-address", "%#H",
				  this->socket->get_address(this->socket));
	}
	b->add_kv(b, "rekeys-received", "%llu", (unsigned long long)this->rekeys);
	b->add_kv(b, "acks-sent", "%llu", (unsigned long long)this->acks);
	b->add_kv(b, "duplicates", "%llu", (unsigned long long)this->duplicates);
	if (this->mid_valid)
	{
		b->add_kv(b, "last-mid", "%u", this->last_mid);
	}
	if (this->last_rekey)
	{
		b->add_kv(b, "last-rekey", "%u", (u_int)(now - this->last_rekey));
		b->add_kv(b, "last-rekey-from", "%H", this->rekey_from);
	}
	b->begin_section(b, "rekeys-rejected");
	for (reason = GIKEV2_REKEY_OK + 1; reason < GIKEV2_REKEY_REJECT_MAX;
		 reason++)
	{
		b->add_kv(b, enum_to_name(gikev2_rekey_reject_names, reason), "%llu",
				  (unsigned long long)this->rejected[reason]);
	}
	b->end_section(b);
	if (this->installer)
	{
		b->begin_section(b, "rollover");
		enumerator = this->installer->create_rollover_enumerator(
														this->installer, now);
		while (enumerator->enumerate(enumerator, &rollover))
		{
			snprintf(idx, sizeof(idx), "%d", ++i);
			b->begin_section(b, idx);
			b->add_kv(b, "src-ts", "%R", rollover->src);
			b->add_kv(b, "dst-ts", "%R", rollover->dst);
			if (rollover->current)
			{
				b->add_kv(b, "current", "%.8x", ntohl(rollover->current));
			}
			if (rollover->next)
			{
				b->add_kv(b, "next", "%.8x", ntohl(rollover->next));
				b->add_kv(b, "switch-in", "%u", rollover->switch_in);
			}
			b->end_section(b);
		}
		enumerator->destroy(enumerator);
		b->end_section(b);
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
	this->stopped = TRUE;
	remove_keys(this);
	this->teks->destroy(this->teks);
	DESTROY_IF(this->installer);
	DESTROY_IF(this->ks);
	DESTROY_IF(this->local);
	DESTROY_IF(this->rekey_from);
	this->ks_list->destroy(this->ks_list);
	this->cfg->destroy(this->cfg);
	this->lock->destroy(this->lock);
	free(this);
}

/**
 * A datagram to process
 */
typedef struct {
	/** group it is for */
	gdoi_gm_group_t *group;
	/** the datagram */
	chunk_t datagram;
	/** its source, and the local address and port it arrived on */
	host_t *src;
	host_t *dst;
	/** whether it arrived on the IKE socket */
	bool unicast;
} rekey_job_t;

CALLBACK(rekey_job, job_requeue_t,
	rekey_job_t *job)
{
	job->group->rekey(job->group, job->datagram, job->src, job->dst,
					  job->unicast);
	return JOB_REQUEUE_NONE;
}

CALLBACK(rekey_job_destroy, void,
	rekey_job_t *job)
{
	job->group->destroy(job->group);
	chunk_free(&job->datagram);
	job->src->destroy(job->src);
	job->dst->destroy(job->dst);
	free(job);
}

/*
 * Described in header
 */
void gdoi_gm_group_queue_rekey(gdoi_gm_group_t *group, chunk_t datagram,
							   host_t *src, host_t *dst, bool unicast)
{
	rekey_job_t *job;

	INIT(job,
		.group = group->get_ref(group),
		.datagram = chunk_clone(datagram),
		.src = src->clone(src),
		.dst = dst->clone(dst),
		.unicast = unicast,
	);
	lib->processor->queue_job(lib->processor, (job_t*)
			callback_job_create(rekey_job, job, rekey_job_destroy, NULL));
}

/*
 * Described in header
 */
gdoi_gm_group_t *gdoi_gm_group_create(gdoi_group_cfg_t *cfg,
									  u_int tries, uint32_t backoff,
									  uint32_t backoff_max,
									  uint32_t tek_switch,
									  uint32_t delete_delay,
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
			.install_keys = _install_keys,
			.has_kek = _has_kek,
			.rekey = _rekey,
			.inband_rekey = _inband_rekey,
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
		.delete_delay = delete_delay,
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
		.ref = 1,
	);
	if (registrar)
	{
		schedule_registration(this, 0);
	}
	return &this->public;
}

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

#define _GNU_SOURCE
#include <stdio.h>

#include "gdoi_ks_group.h"
#include "gdoi_ks_inband.h"
#include "gdoi_ks_lifecycle.h"

#include <daemon.h>
#include <threading/mutex.h>
#include <collections/array.h>
#include <processing/jobs/callback_job.h>
#include <gdoi_tek.h>
#include <gdoi_kek.h>
#include <gikev2_registration.h>
#include <gikev2_keywrap.h>
#include <gdoi_vici.h>

/** key wrap algorithm of the KEK */
#define KEK_KWA GIKEV2_KW_5649_256

/** seconds before a rekey that could not be built is tried again */
#define REKEY_RETRY 10

/** longest sleep of a group's timer, so that it follows member counts */
#define TIMER_MAX 300

/** most SPIs named in a log line */
#define LOG_SPIS 8

typedef struct private_gdoi_ks_group_t private_gdoi_ks_group_t;
typedef struct rekey_t rekey_t;
typedef struct tick_t tick_t;

/**
 * The last rekey sent, kept for retransmissions and acknowledgements
 */
struct rekey_t {

	/** the datagram, sent to everyone and retransmitted as is */
	chunk_t datagram;

	/** KEK that protects it */
	gdoi_kek_t *kek;

	/** its Message ID */
	uint32_t mid;

	/** multicast destination, NULL for unicast */
	host_t *multicast;

	/** retransmissions left */
	u_int retransmits;

	/** retransmissions done */
	u_int round;

	/** monotonic time of the next retransmission */
	time_t next;

	/** TEKs it carries, gdoi_tek_t* (until sent, for inband and logs) */
	linked_list_t *teks;

	/** signatures and encryptions made to build it */
	u_int signatures;
	u_int encryptions;

	/** monotonic time of the rekey-group request it answers, 0 if none */
	timeval_t requested;

	/** KEK it carries, NULL if none (until sent) */
	gdoi_kek_t *new_kek;

	/** ESP SPIs it deletes (until sent) */
	uint32_t *dels;

	/** number of SPIs in dels */
	u_int del_count;
};

/**
 * Private data of a gdoi_ks_group_t object.
 */
struct private_gdoi_ks_group_t {

	/**
	 * Public interface.
	 */
	gdoi_ks_group_t public;

	/**
	 * Configuration
	 */
	gdoi_group_cfg_t *cfg;

	/**
	 * Shared context
	 */
	gdoi_ks_context_t *ctx;

	/**
	 * TEKs not yet expired, oldest first, gdoi_tek_t*
	 */
	linked_list_t *teks;

	/**
	 * Monotonic creation time of the newest TEKs
	 */
	time_t tek_created;

	/**
	 * Current KEK, handed out at registration
	 */
	gdoi_kek_t *kek;

	/**
	 * KEK that protects the next rekey: the current one, or the one before
	 * while the current one has not been sent in a rekey yet
	 */
	gdoi_kek_t *protect;

	/**
	 * Message ID of the next rekey under protect
	 */
	uint32_t mid;

	/**
	 * TEKs not sent in a rekey yet, gdoi_tek_t*
	 */
	linked_list_t *unsent;

	/**
	 * Key that signs rekeys under protect, NULL for implicit
	 */
	private_key_t *signer;

	/**
	 * Its signature scheme
	 */
	signature_params_t *scheme;

	/**
	 * TRUE if the signing key changed: new KEKs take next_signer, which
	 * signs once such a KEK protects rekeys
	 */
	bool signer_changed;

	/**
	 * Signing key of new KEKs, if signer_changed
	 */
	private_key_t *next_signer;

	/**
	 * Its signature scheme
	 */
	signature_params_t *next_scheme;

	/**
	 * Last rekey sent, NULL if none or its KEK expired; replaced and
	 * dropped only with rekey_lock held
	 */
	rekey_t *rekey;

	/**
	 * A policy change waits to be pushed: send the unsent keys at once
	 */
	bool push;

	/**
	 * An operator asked for new TEKs at once
	 */
	bool force;

	/**
	 * ESP SPIs to delete with the next rekey, uint32_t (network order)
	 */
	array_t *deletes;

	/**
	 * Monotonic time before which a failed rekey is not tried again
	 */
	time_t retry;

	/**
	 * Counters: rekeys sent, retransmission rounds, acknowledgements,
	 * members dropped
	 */
	u_int rekeys;
	u_int retransmissions;

	/**
	 * Monotonic time of a pending rekey request, 0 if none
	 */
	timeval_t requested;
	u_int acks;
	u_int dropped;

	/**
	 * Generation of the timer: only the job of the current one acts
	 */
	u_int generation;

	/**
	 * The group was unloaded
	 */
	bool stopped;

	/**
	 * Registered members
	 */
	gdoi_ks_members_t *members;

	/**
	 * Serializes rekeys and retransmissions (taken before lock)
	 */
	mutex_t *rekey_lock;

	/**
	 * Lock for everything else
	 */
	mutex_t *lock;

	/**
	 * Reference count
	 */
	refcount_t ref;
};

/**
 * A scheduled wake-up of a group's timer
 */
struct tick_t {

	/** the group (one reference) */
	private_gdoi_ks_group_t *group;

	/** generation of the timer it was scheduled for */
	u_int generation;
};

/**
 * Release what a rekey carries once it is sent
 */
static void rekey_sent(rekey_t *rekey)
{
	if (rekey->teks)
	{
		rekey->teks->destroy_offset(rekey->teks,
									offsetof(gdoi_tek_t, destroy));
		rekey->teks = NULL;
	}
	DESTROY_IF(rekey->new_kek);
	rekey->new_kek = NULL;
	free(rekey->dels);
	rekey->dels = NULL;
	rekey->del_count = 0;
}

/**
 * Destroy the record of a rekey
 */
static void rekey_destroy(rekey_t *rekey)
{
	if (rekey)
	{
		rekey_sent(rekey);
		chunk_free(&rekey->datagram);
		rekey->kek->destroy(rekey->kek);
		DESTROY_IF(rekey->multicast);
		free(rekey);
	}
}

/**
 * Load the signing key of a configuration and pick its signature scheme
 */
static bool load_signer(gdoi_group_cfg_t *cfg, private_key_t **key_out,
						signature_params_t **scheme_out, char **error)
{
	signature_params_t *scheme;
	rsa_pss_params_t *pss;
	private_key_t *key;

	*key_out = NULL;
	*scheme_out = NULL;
	if (!cfg->signing_key)
	{
		return TRUE;
	}
	key = lib->credmgr->get_private(lib->credmgr, KEY_ANY, cfg->signing_key,
									NULL);
	if (!key)
	{
		if (asprintf(error, "signing key '%Y' not found, load it first "
					 "(swanctl --load-creds)", cfg->signing_key) < 0)
		{
			*error = NULL;
		}
		return FALSE;
	}
	INIT(scheme);
	switch (key->get_type(key))
	{
		case KEY_ED25519:
			scheme->scheme = SIGN_ED25519;
			break;
		case KEY_ED448:
			scheme->scheme = SIGN_ED448;
			break;
		case KEY_ECDSA:
			switch (key->get_keysize(key))
			{
				case 256:
					scheme->scheme = SIGN_ECDSA_WITH_SHA256_DER;
					break;
				case 384:
					scheme->scheme = SIGN_ECDSA_WITH_SHA384_DER;
					break;
				case 521:
					scheme->scheme = SIGN_ECDSA_WITH_SHA512_DER;
					break;
				default:
					break;
			}
			break;
		case KEY_RSA:
			INIT(pss,
				.hash = HASH_SHA256,
				.mgf1_hash = HASH_SHA256,
				.salt_len = HASH_SIZE_SHA256,
			);
			scheme->scheme = SIGN_RSA_EMSA_PSS;
			scheme->params = pss;
			break;
		default:
			break;
	}
	if (scheme->scheme == SIGN_UNKNOWN)
	{
		if (asprintf(error, "signing key '%Y' is a %d bit %N key, which "
					 "cannot sign rekeys (use Ed25519, ECDSA or RSA)",
					 cfg->signing_key, key->get_keysize(key), key_type_names,
					 key->get_type(key)) < 0)
		{
			*error = NULL;
		}
		signature_params_destroy(scheme);
		key->destroy(key);
		return FALSE;
	}
	*key_out = key;
	*scheme_out = scheme;
	return TRUE;
}

/**
 * Make a TEK per permitted traffic entry with the first ESP proposal
 */
static bool make_teks(gdoi_group_cfg_t *cfg, linked_list_t *teks)
{
	gdoi_traffic_cfg_t *traffic;
	enumerator_t *enumerator;
	proposal_t *proposal;
	gdoi_tek_t *tek;
	bool ok = TRUE;

	if (cfg->esp_proposals->get_first(cfg->esp_proposals,
									  (void**)&proposal) != SUCCESS)
	{
		DBG1(DBG_CFG, "group '%s': no ESP proposal", cfg->name);
		return FALSE;
	}
	enumerator = cfg->traffic->create_enumerator(cfg->traffic);
	while (ok && enumerator->enumerate(enumerator, &traffic))
	{
		if (!traffic->permit)
		{
			continue;
		}
		tek = gdoi_tek_generate(proposal, traffic->src, traffic->dst,
								cfg->tek_lifetime);
		if (tek)
		{
			teks->insert_last(teks, tek);
		}
		ok = tek != NULL;
	}
	enumerator->destroy(enumerator);
	if (!ok)
	{
		DBG1(DBG_CFG, "group '%s': making the TEKs failed", cfg->name);
	}
	return ok;
}

/**
 * Address family of a group's rekeys: the multicast address's, or for
 * unicast the family of the traffic
 */
static int rekey_family(gdoi_group_cfg_t *cfg)
{
	gdoi_traffic_cfg_t *traffic;
	int family = AF_INET;

	if (cfg->rekey_address)
	{
		return cfg->rekey_address->get_family(cfg->rekey_address);
	}
	if (cfg->traffic->get_first(cfg->traffic, (void**)&traffic) == SUCCESS &&
		traffic->dst->get_type(traffic->dst) == TS_IPV6_ADDR_RANGE)
	{
		family = AF_INET6;
	}
	return family;
}

/**
 * Make a KEK with the first KEK proposal: destination the multicast
 * address and port, or any address and the members' IKE port (unicast);
 * authenticated by the public half of a signing key
 */
static gdoi_kek_t *make_kek(gdoi_group_cfg_t *cfg, gdoi_ks_context_t *ctx,
							private_key_t *signer, signature_params_t *scheme)
{
	traffic_selector_t *src, *dst;
	proposal_t *proposal;
	public_key_t *public;
	gdoi_kek_t *kek;
	int family;
	ts_type_t type;
	char *any, *all;

	if (cfg->kek_proposals->get_first(cfg->kek_proposals,
									  (void**)&proposal) != SUCCESS)
	{
		DBG1(DBG_CFG, "group '%s': no KEK proposal", cfg->name);
		return NULL;
	}
	family = rekey_family(cfg);
	type = family == AF_INET ? TS_IPV4_ADDR_RANGE : TS_IPV6_ADDR_RANGE;
	any = family == AF_INET ? "0.0.0.0" : "::";
	all = family == AF_INET ? "255.255.255.255"
							: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
	src = traffic_selector_create_from_string(IPPROTO_UDP, type, any, 0, all,
											  65535);
	if (cfg->rekey == GDOI_REKEY_MULTICAST)
	{
		dst = traffic_selector_create_from_subnet(
						cfg->rekey_address->clone(cfg->rekey_address),
						family == AF_INET ? 32 : 128, IPPROTO_UDP,
						ctx->multicast_port, ctx->multicast_port);
	}
	else
	{
		dst = traffic_selector_create_from_string(IPPROTO_UDP, type, any,
									ctx->member_port, all, ctx->member_port);
	}
	kek = gdoi_kek_generate(proposal, KEK_KWA, gikev2_kwa_key_size(KEK_KWA),
							src, dst, cfg->kek_lifetime);
	src->destroy(src);
	dst->destroy(dst);
	if (!kek)
	{
		DBG1(DBG_CFG, "group '%s': making the KEK failed", cfg->name);
		return NULL;
	}
	if (signer)
	{
		public = signer->get_public_key(signer);
		if (!public)
		{
			DBG1(DBG_CFG, "group '%s': no public key of the signing key",
				 cfg->name);
			kek->destroy(kek);
			return NULL;
		}
		kek->set_auth(kek, public, scheme);
		public->destroy(public);
	}
	return kek;
}

/**
 * Log the keys of a group
 */
static void log_keys(private_gdoi_ks_group_t *this)
{
	enumerator_t *enumerator;
	gdoi_tek_t *tek;

	enumerator = this->teks->create_enumerator(this->teks);
	while (enumerator->enumerate(enumerator, &tek))
	{
		DBG1(DBG_CHD, "group '%s': TEK %.8x %R === %R, lifetime %us",
			 this->cfg->name, ntohl(tek->spi), tek->src, tek->dst,
			 tek->lifetime);
	}
	enumerator->destroy(enumerator);
	DBG1(DBG_CHD, "group '%s': KEK %+B, rekeys to %R, lifetime %us%s",
		 this->cfg->name, &(chunk_t){this->kek->spi, sizeof(this->kek->spi)},
		 this->kek->dst, this->kek->lifetime,
		 this->kek->auth_key ? ", signed" : "");
}

/**
 * Drop expired TEKs (lock held)
 */
static void expire_teks(private_gdoi_ks_group_t *this, time_t now)
{
	enumerator_t *enumerator;
	gdoi_tek_t *tek;

	enumerator = this->teks->create_enumerator(this->teks);
	while (enumerator->enumerate(enumerator, &tek))
	{
		if (!tek->get_remaining(tek, now))
		{
			DBG1(DBG_CHD, "group '%s': TEK %.8x expired", this->cfg->name,
				 ntohl(tek->spi));
			this->teks->remove_at(this->teks, enumerator);
			if (this->unsent->remove(this->unsent, tek, NULL))
			{
				tek->destroy(tek);
			}
			tek->destroy(tek);
		}
	}
	enumerator->destroy(enumerator);
}

/**
 * Drop the last rekey once its (replaced) KEK expired: acknowledgements
 * under it are not accepted anymore (lock and rekey_lock held)
 */
static void expire_rekey(private_gdoi_ks_group_t *this, time_t now)
{
	if (this->rekey && this->rekey->kek != this->protect &&
		!this->rekey->kek->get_remaining(this->rekey->kek, now))
	{
		DBG1(DBG_CHD, "group '%s': KEK %+B expired", this->cfg->name,
			 &(chunk_t){this->rekey->kek->spi, sizeof(this->rekey->kek->spi)});
		rekey_destroy(this->rekey);
		this->rekey = NULL;
	}
}

/**
 * Seconds from now until a monotonic time, 0 if past
 */
static uint32_t seconds_until(time_t when, time_t now)
{
	return when > now ? min(when - now, (time_t)UINT32_MAX) : 0;
}

/**
 * Seconds until the next rekey is due
 */
static uint32_t rekey_in(private_gdoi_ks_group_t *this, time_t now)
{
	gdoi_ks_due_t due;
	uint32_t in;

	if (this->push || this->force)
	{
		in = 0;
	}
	else
	{
		due = gdoi_ks_rekey_due(this->cfg,
								this->members->get_count(this->members),
								this->tek_created, this->kek->created, now);
		in = min(due.tek_in, due.kek_in);
	}
	return max(in, seconds_until(this->retry, now));
}

CALLBACK(tick_destroy, void,
	tick_t *tick)
{
	tick->group->public.destroy(&tick->group->public);
	free(tick);
}

static job_requeue_t tick_run(tick_t *tick);

/**
 * Schedule the timer for the earliest event: a rekey, a retransmission,
 * an expiry.  Jobs of earlier generations do nothing when they run.
 * Called with the lock held.
 */
static void schedule(private_gdoi_ks_group_t *this)
{
	enumerator_t *enumerator;
	callback_job_t *job;
	gdoi_tek_t *tek;
	tick_t *tick;
	time_t now;
	uint32_t next, remaining;

	if (this->stopped)
	{
		return;
	}
	now = time_monotonic(NULL);
	next = min(rekey_in(this, now), TIMER_MAX);
	if (this->rekey && this->rekey->retransmits)
	{
		next = min(next, seconds_until(this->rekey->next, now));
	}
	enumerator = this->teks->create_enumerator(this->teks);
	while (enumerator->enumerate(enumerator, &tek))
	{
		remaining = tek->get_remaining(tek, now);
		next = min(next, remaining);
	}
	enumerator->destroy(enumerator);
	if (this->rekey && this->rekey->kek != this->protect)
	{
		next = min(next, this->rekey->kek->get_remaining(this->rekey->kek,
														 now));
	}

	INIT(tick,
		.group = (private_gdoi_ks_group_t*)this->public.get_ref(&this->public),
		.generation = ++this->generation,
	);
	job = callback_job_create_with_prio((callback_job_cb_t)tick_run, tick,
										tick_destroy, NULL, JOB_PRIO_HIGH);
	DBG2(DBG_JOB, "group '%s': next timer in %us", this->cfg->name, next);
	lib->scheduler->schedule_job(lib->scheduler, (job_t*)job, next);
}

/**
 * Destinations of a retransmission: the multicast address, or the members
 * that did not acknowledge and got the rekey unicast
 */
static linked_list_t *pending_dsts(private_gdoi_ks_group_t *this,
								   rekey_t *rekey)
{
	enumerator_t *enumerator;
	gdoi_ks_member_t *member;
	linked_list_t *dsts;
	host_t *dst;

	dsts = linked_list_create();
	if (rekey->multicast)
	{
		dsts->insert_last(dsts, rekey->multicast->clone(rekey->multicast));
		return dsts;
	}
	enumerator = this->members->create_enumerator(this->members);
	while (enumerator->enumerate(enumerator, &member))
	{
		if (member->pending && !member->inband)
		{
			dst = member->address->clone(member->address);
			dst->set_port(dst, this->ctx->member_port);
			dsts->insert_last(dsts, dst);
		}
	}
	enumerator->destroy(enumerator);
	return dsts;
}

METHOD(gdoi_ks_group_t, retransmit, bool,
	private_gdoi_ks_group_t *this, bool force)
{
	linked_list_t *dsts;
	rekey_t *rekey;
	time_t now;
	u_int sent = 0, round, total;
	bool ok = FALSE;

	this->rekey_lock->lock(this->rekey_lock);
	this->lock->lock(this->lock);
	now = time_monotonic(NULL);
	rekey = this->rekey;
	if (this->stopped || !rekey || !rekey->retransmits ||
		(!force && now < rekey->next))
	{
		this->lock->unlock(this->lock);
		this->rekey_lock->unlock(this->rekey_lock);
		return FALSE;
	}
	rekey->retransmits--;
	round = ++rekey->round;
	total = round + rekey->retransmits;
	rekey->next = now + this->cfg->rekey_retransmit;
	this->lock->unlock(this->lock);

	/* the rekey stays ours while we hold rekey_lock */
	dsts = pending_dsts(this, rekey);
	if (dsts->get_count(dsts))
	{
		if (this->ctx->sender)
		{
			sent = this->ctx->sender->send(this->ctx->sender, rekey->datagram,
										   dsts);
		}
		DBG1(DBG_IKE, "group '%s': retransmission %u of %u of rekey %u "
			 "(%zu bytes) to %u of %u destinations", this->cfg->name, round,
			 total, rekey->mid, rekey->datagram.len, sent,
			 dsts->get_count(dsts));
		this->lock->lock(this->lock);
		this->retransmissions++;
		this->lock->unlock(this->lock);
		ok = TRUE;
	}
	else
	{
		DBG2(DBG_IKE, "group '%s': every member acknowledged rekey %u, no "
			 "retransmission %u", this->cfg->name, rekey->mid, round);
	}
	dsts->destroy_offset(dsts, offsetof(host_t, destroy));
	this->rekey_lock->unlock(this->rekey_lock);
	return ok;
}

/**
 * A member to rekey over its IKE_SA
 */
typedef struct {
	/** member identity */
	identification_t *id;
	/** its address */
	host_t *address;
	/** unique id of its IKE_SA */
	u_int ike_sa;
} inband_t;

/**
 * Destroy an inband_t
 */
static void inband_destroy(inband_t *inband)
{
	inband->id->destroy(inband->id);
	inband->address->destroy(inband->address);
	free(inband);
}

/**
 * Queue a GSA_INBAND_REKEY on a member's IKE_SA
 */
static bool queue_inband(private_gdoi_ks_group_t *this, inband_t *member,
						 linked_list_t *teks, gdoi_kek_t *kek,
						 uint32_t *dels, u_int del_count)
{
	ike_sa_t *ike_sa;
	task_t *task = NULL;

	ike_sa = charon->ike_sa_manager->checkout_by_id(charon->ike_sa_manager,
													member->ike_sa);
	if (!ike_sa)
	{
		return FALSE;
	}
	if (ike_sa->get_state(ike_sa) == IKE_ESTABLISHED)
	{
		task = gdoi_ks_inband_create(&this->public, this->cfg->name, ike_sa,
									 teks, kek, dels, del_count);
	}
	if (!task)
	{
		charon->ike_sa_manager->checkin(charon->ike_sa_manager, ike_sa);
		return FALSE;
	}
	ike_sa->queue_task(ike_sa, task);
	if (ike_sa->initiate(ike_sa, NULL, NULL) == DESTROY_ME)
	{
		charon->ike_sa_manager->checkin_and_destroy(charon->ike_sa_manager,
													ike_sa);
		return FALSE;
	}
	charon->ike_sa_manager->checkin(charon->ike_sa_manager, ike_sa);
	return TRUE;
}

/**
 * Print up to LOG_SPIS SPIs of TEKs and deleted SPIs
 */
static void print_spis(char *buf, size_t len, linked_list_t *teks,
					   uint32_t *dels, u_int del_count)
{
	enumerator_t *enumerator;
	gdoi_tek_t *tek;
	int written, i = 0, n = 0;

	buf[0] = '\0';
	enumerator = teks->create_enumerator(teks);
	while (enumerator->enumerate(enumerator, &tek) && i < LOG_SPIS)
	{
		written = snprintf(buf + n, len - n, "%s%.8x", i++ ? ", " : "TEKs ",
						   ntohl(tek->spi));
		if (written < 0 || written >= len - n)
		{
			break;
		}
		n += written;
	}
	enumerator->destroy(enumerator);
	for (i = 0; i < del_count && i < LOG_SPIS && n < len; i++)
	{
		written = snprintf(buf + n, len - n, "%s%.8x",
						   i ? ", " : (n ? ", deleting " : "deleting "),
						   ntohl(dels[i]));
		if (written < 0 || written >= len - n)
		{
			break;
		}
		n += written;
	}
}

/**
 * Raise the group-rekey-sent event
 */
static void raise_sent(char *name, uint32_t mid, linked_list_t *teks,
					   gdoi_kek_t *kek, uint32_t *dels, u_int del_count,
					   u_int dsts, u_int inband)
{
	enumerator_t *enumerator;
	vici_builder_t *b;
	gdoi_tek_t *tek;
	u_int i;

	if (!gdoi_vici_has_listeners(GDOI_VICI_REKEY_SENT))
	{
		return;
	}
	b = vici_builder_create();
	b->add_kv(b, "group", "%s", name);
	b->add_kv(b, "mid", "%u", mid);
	b->begin_list(b, "teks");
	enumerator = teks->create_enumerator(teks);
	while (enumerator->enumerate(enumerator, &tek))
	{
		b->add_li(b, "%.8x", ntohl(tek->spi));
	}
	enumerator->destroy(enumerator);
	b->end_list(b);
	b->add_kv(b, "kek", kek ? "yes" : "no");
	b->begin_list(b, "deleted");
	for (i = 0; i < del_count; i++)
	{
		b->add_li(b, "%.8x", ntohl(dels[i]));
	}
	b->end_list(b);
	b->add_kv(b, "destinations", "%u", dsts);
	b->add_kv(b, "inband", "%u", inband);
	gdoi_vici_raise(GDOI_VICI_REKEY_SENT, b->finalize(b));
}

/**
 * Make the keys that are due (lock held): new TEKs for every permitted
 * traffic entry, a new KEK; they are the group's at once (registrations
 * hand them out) and go with the next rekey built
 */
static bool make_due_keys(private_gdoi_ks_group_t *this, bool force,
						  time_t now)
{
	gdoi_ks_due_t due;
	linked_list_t *teks;
	gdoi_kek_t *kek;
	gdoi_tek_t *tek;

	due = gdoi_ks_rekey_due(this->cfg,
							this->members->get_count(this->members),
							this->tek_created, this->kek->created, now);
	if (force || due.tek)
	{
		teks = linked_list_create();
		if (!make_teks(this->cfg, teks))
		{
			teks->destroy(teks);
			return FALSE;
		}
		while (teks->remove_first(teks, (void**)&tek) == SUCCESS)
		{
			this->teks->insert_last(this->teks, tek);
			this->unsent->insert_last(this->unsent, tek->get_ref(tek));
		}
		teks->destroy(teks);
		this->tek_created = now;
	}
	if (due.kek)
	{
		kek = this->signer_changed ?
				make_kek(this->cfg, this->ctx, this->next_signer,
						 this->next_scheme) :
				make_kek(this->cfg, this->ctx, this->signer, this->scheme);
		if (!kek)
		{
			return FALSE;
		}
		/* protect keeps its own reference to the KEK it replaces */
		this->kek->destroy(this->kek);
		this->kek = kek;
	}
	return TRUE;
}

/**
 * Build the rekey of the keys not sent yet, protected by the KEK members
 * know, and make it the last rekey (lock and rekey_lock held)
 */
static rekey_t *build(private_gdoi_ks_group_t *this, time_t now)
{
	gdoi_kek_t *kek = NULL;
	gikev2_err_t err = {};
	chunk_t gsa = chunk_empty, kd = chunk_empty, datagram, encr, integ, kwk;
	uint32_t *dels = NULL;
	u_int del_count, i, sigs[2], encrs[2];
	rekey_t *rekey;
	bool ok;

	if (this->kek != this->protect)
	{
		kek = this->kek;
	}
	del_count = array_count(this->deletes);
	if (!kek && !del_count && !this->unsent->get_count(this->unsent))
	{
		this->push = FALSE;
		return NULL;
	}
	if (del_count)
	{
		dels = calloc(del_count, sizeof(uint32_t));
		for (i = 0; i < del_count; i++)
		{
			array_get(this->deletes, i, &dels[i]);
		}
	}
	/* keys in KD are wrapped with the protecting KEK's GSK_w */
	this->protect->get_keys(this->protect, &encr, &integ, &kwk);
	ok = (!kek && !this->unsent->get_count(this->unsent)) ||
		 gikev2_registration_encode(this->unsent, kek, GIKEV2_GSA_REKEY,
									this->protect->kwa, kwk, &gsa, &kd, &err);
	gikev2_rekey_counters(&sigs[0], &encrs[0]);
	ok = ok && gikev2_rekey_build(this->protect, this->mid, gsa, kd, dels,
								  del_count, this->signer, &datagram, &err);
	gikev2_rekey_counters(&sigs[1], &encrs[1]);
	chunk_free(&gsa);
	chunk_clear(&kd);
	if (!ok)
	{
		DBG1(DBG_IKE, "group '%s': building rekey %u failed: %s, trying "
			 "again in %us", this->cfg->name, this->mid, err.msg,
			 REKEY_RETRY);
		this->retry = now + REKEY_RETRY;
		free(dels);
		return NULL;
	}

	INIT(rekey,
		.datagram = datagram,
		.kek = this->protect->get_ref(this->protect),
		.mid = this->mid,
		.multicast = gdoi_ts_multicast(this->protect->dst),
		.retransmits = this->cfg->rekey_retransmits,
		.next = now + this->cfg->rekey_retransmit,
		.teks = this->unsent,
		.new_kek = kek ? kek->get_ref(kek) : NULL,
		.dels = dels,
		.del_count = del_count,
		/* made by this process while we built it: only this rekey, unless
		 * another group built one at the same time */
		.signatures = sigs[1] - sigs[0],
		.encryptions = encrs[1] - encrs[0],
		.requested = this->requested,
	);
	this->requested = (timeval_t){};
	rekey_destroy(this->rekey);
	this->rekey = rekey;
	this->unsent = linked_list_create();
	array_destroy(this->deletes);
	this->deletes = array_create(sizeof(uint32_t), 0);
	if (kek)
	{	/* later rekeys are protected by the new KEK, from Message ID 0 */
		this->protect->destroy(this->protect);
		this->protect = kek->get_ref(kek);
		this->mid = 0;
		if (this->signer_changed)
		{
			DESTROY_IF(this->signer);
			signature_params_destroy(this->scheme);
			this->signer = this->next_signer;
			this->scheme = this->next_scheme;
			this->next_signer = NULL;
			this->next_scheme = NULL;
			this->signer_changed = FALSE;
		}
	}
	else
	{
		this->mid++;
	}
	this->push = this->force = FALSE;
	this->retry = 0;
	this->rekeys++;
	return rekey;
}

/**
 * Send a rekey just built: inband to members whose IKE_SA is up, unicast
 * to the others, or once to the multicast address (rekey_lock held)
 */
static void send_rekey(private_gdoi_ks_group_t *this, rekey_t *rekey)
{
	enumerator_t *enumerator;
	gdoi_ks_member_t *member;
	gdoi_group_cfg_t *cfg;
	linked_list_t *dsts, *inbands;
	inband_t *inband;
	host_t *dst;
	u_int dropped = 0, sent = 0, queued = 0;
	timeval_t start, end, end_abs;
	char spis[160];

	cfg = this->public.get_cfg(&this->public);
	dsts = linked_list_create();
	inbands = linked_list_create();
	if (rekey->multicast)
	{
		dsts->insert_last(dsts, rekey->multicast->clone(rekey->multicast));
	}
	else
	{
		dropped = this->members->expire(this->members,
										this->ctx->missed_rekeys);
		this->members->rekey_sent(this->members);
		enumerator = this->members->create_enumerator(this->members);
		while (enumerator->enumerate(enumerator, &member))
		{
			if (member->ike_sa && !cfg->close_ike_sa)
			{
				INIT(inband,
					.id = member->id->clone(member->id),
					.address = member->address->clone(member->address),
					.ike_sa = member->ike_sa,
				);
				inbands->insert_last(inbands, inband);
				continue;
			}
			dst = member->address->clone(member->address);
			dst->set_port(dst, this->ctx->member_port);
			dsts->insert_last(dsts, dst);
		}
		enumerator->destroy(enumerator);
	}
	time_monotonic(&start);
	while (inbands->remove_first(inbands, (void**)&inband) == SUCCESS)
	{
		if (queue_inband(this, inband, rekey->teks, rekey->new_kek,
						 rekey->dels, rekey->del_count))
		{
			this->members->set_inband(this->members, inband->id);
			queued++;
		}
		else
		{
			DBG1(DBG_IKE, "group '%s': IKE_SA of member '%Y' is gone, rekey "
				 "%u goes unicast", cfg->name, inband->id, rekey->mid);
			dst = inband->address->clone(inband->address);
			dst->set_port(dst, this->ctx->member_port);
			dsts->insert_last(dsts, dst);
		}
		inband_destroy(inband);
	}
	inbands->destroy(inbands);
	if (dsts->get_count(dsts))
	{
		if (this->ctx->sender)
		{
			sent = this->ctx->sender->send(this->ctx->sender, rekey->datagram,
										   dsts);
		}
		else
		{
			DBG1(DBG_IKE, "group '%s': no rekey socket, rekey %u not sent",
				 cfg->name, rekey->mid);
		}
	}
	time_monotonic(&end_abs);
	timersub(&end_abs, &start, &end);
	print_spis(spis, sizeof(spis), rekey->teks, rekey->dels,
			   rekey->del_count);
	DBG1(DBG_IKE, "group '%s': rekey %u under KEK %+B: %s%s, %zu bytes to "
		 "%u of %u destinations%s, %u inband, in %u ms", cfg->name,
		 rekey->mid, &(chunk_t){rekey->kek->spi, sizeof(rekey->kek->spi)},
		 spis, rekey->new_kek ? (spis[0] ? ", new KEK" : "new KEK") : "",
		 rekey->datagram.len, sent, dsts->get_count(dsts),
		 rekey->multicast ? " (multicast)" : "", queued,
		 (u_int)(end.tv_sec * 1000 + end.tv_usec / 1000));
	if (rekey->new_kek)
	{
		DBG1(DBG_CHD, "group '%s': new KEK %+B, rekeys to %R, lifetime %us",
			 cfg->name, &(chunk_t){rekey->new_kek->spi,
								   sizeof(rekey->new_kek->spi)},
			 rekey->new_kek->dst, rekey->new_kek->lifetime);
	}
	DBG1(DBG_IKE, "group '%s': rekey %u made %u signature%s and %u "
		 "encryption%s", cfg->name, rekey->mid, rekey->signatures,
		 rekey->signatures == 1 ? "" : "s", rekey->encryptions,
		 rekey->encryptions == 1 ? "" : "s");
	if (rekey->requested.tv_sec || rekey->requested.tv_usec)
	{
		timersub(&end_abs, &rekey->requested, &end);
		DBG1(DBG_IKE, "group '%s': rekey %u sent %u us after the rekey "
			 "request", cfg->name, rekey->mid,
			 (u_int)(end.tv_sec * 1000000 + end.tv_usec));
	}
	raise_sent(cfg->name, rekey->mid, rekey->teks, rekey->new_kek,
			   rekey->dels, rekey->del_count, dsts->get_count(dsts), queued);
	if (dropped)
	{
		this->lock->lock(this->lock);
		this->dropped += dropped;
		this->lock->unlock(this->lock);
	}
	rekey_sent(rekey);
	dsts->destroy_offset(dsts, offsetof(host_t, destroy));
	cfg->destroy(cfg);
}

/**
 * Rekey what is due or pushed, or force new TEKs, and send it
 */
static bool do_rekey(private_gdoi_ks_group_t *this, bool force)
{
	rekey_t *rekey = NULL;
	time_t now;

	this->rekey_lock->lock(this->rekey_lock);
	this->lock->lock(this->lock);
	if (!this->stopped)
	{
		now = time_monotonic(NULL);
		expire_teks(this, now);
		expire_rekey(this, now);
		force = force || this->force;
		if (force || now >= this->retry)
		{
			if (make_due_keys(this, force, now))
			{
				rekey = build(this, now);
			}
			else
			{
				DBG1(DBG_IKE, "group '%s': making new keys failed, trying "
					 "again in %us", this->cfg->name, REKEY_RETRY);
				this->retry = now + REKEY_RETRY;
			}
		}
		schedule(this);
	}
	this->lock->unlock(this->lock);
	if (rekey)
	{	/* the last rekey changes only with rekey_lock held */
		send_rekey(this, rekey);
	}
	this->rekey_lock->unlock(this->rekey_lock);
	return rekey != NULL;
}

METHOD(gdoi_ks_group_t, rekey_, bool,
	private_gdoi_ks_group_t *this, bool force)
{
	return do_rekey(this, force);
}

METHOD(gdoi_ks_group_t, rekey_soon, void,
	private_gdoi_ks_group_t *this)
{
	this->lock->lock(this->lock);
	if (!this->stopped)
	{
		DBG1(DBG_CFG, "group '%s': rekey requested", this->cfg->name);
		if (!this->requested.tv_sec && !this->requested.tv_usec)
		{
			time_monotonic(&this->requested);
		}
		this->force = TRUE;
		schedule(this);
	}
	this->lock->unlock(this->lock);
}

/**
 * Run a group's timer
 */
static job_requeue_t tick_run(tick_t *tick)
{
	private_gdoi_ks_group_t *this = tick->group;
	bool current;

	this->lock->lock(this->lock);
	current = !this->stopped && tick->generation == this->generation;
	this->lock->unlock(this->lock);
	if (current)
	{
		retransmit(this, FALSE);
		/* reschedules the timer */
		do_rekey(this, FALSE);
	}
	return JOB_REQUEUE_NONE;
}

METHOD(gdoi_ks_group_t, ack, bool,
	private_gdoi_ks_group_t *this, gikev2_rekey_hdr_t *hdr, chunk_t datagram,
	host_t *src)
{
	gikev2_rekey_reject_t reason = GIKEV2_REKEY_OK;
	gikev2_err_t err = {};
	chunk_t gsa = chunk_empty, kd = chunk_empty;
	uint32_t mid;
	bool ok;

	this->lock->lock(this->lock);
	if (!this->rekey || !memeq(hdr->spi, this->rekey->kek->spi,
							   GDOI_KEK_SPI_SIZE))
	{
		this->lock->unlock(this->lock);
		return FALSE;
	}
	mid = this->rekey->mid;
	if (!hdr->response || hdr->mid != mid)
	{
		this->lock->unlock(this->lock);
		DBG1(DBG_IKE, "group '%s': dropped a datagram from %H: %s %u, not "
			 "an acknowledgement of rekey %u", this->cfg->name, src,
			 hdr->response ? "acknowledgement" : "request", hdr->mid, mid);
		return TRUE;
	}
	ok = gikev2_rekey_open(datagram, this->rekey->kek, &gsa, &kd, NULL, NULL,
						   &reason, &err);
	this->lock->unlock(this->lock);
	chunk_free(&gsa);
	chunk_clear(&kd);
	if (!ok)
	{
		DBG1(DBG_IKE, "group '%s': dropped an acknowledgement of rekey %u "
			 "from %H: %N, %s", this->cfg->name, mid, src,
			 gikev2_rekey_reject_names, reason, err.msg);
		return TRUE;
	}
	if (this->members->acked_address(this->members, src))
	{
		DBG2(DBG_IKE, "group '%s': member at %H acknowledged rekey %u",
			 this->cfg->name, src, mid);
		this->lock->lock(this->lock);
		this->acks++;
		this->lock->unlock(this->lock);
	}
	else
	{
		DBG2(DBG_IKE, "group '%s': acknowledgement of rekey %u from %H, no "
			 "member with that rekey pending there", this->cfg->name, mid,
			 src);
	}
	return TRUE;
}

METHOD(gdoi_ks_group_t, inband_acked, void,
	private_gdoi_ks_group_t *this, identification_t *id)
{
	if (this->members->acked(this->members, id))
	{
		this->lock->lock(this->lock);
		this->acks++;
		this->lock->unlock(this->lock);
	}
}

METHOD(gdoi_ks_group_t, get_cfg, gdoi_group_cfg_t*,
	private_gdoi_ks_group_t *this)
{
	gdoi_group_cfg_t *cfg;

	this->lock->lock(this->lock);
	cfg = this->cfg->get_ref(this->cfg);
	this->lock->unlock(this->lock);
	return cfg;
}

/**
 * Compare two lists of proposals
 */
static bool proposals_equal(linked_list_t *a, linked_list_t *b)
{
	enumerator_t *ea, *eb;
	proposal_t *pa, *pb;
	bool equal = TRUE;

	if (a->get_count(a) != b->get_count(b))
	{
		return FALSE;
	}
	ea = a->create_enumerator(a);
	eb = b->create_enumerator(b);
	while (equal && ea->enumerate(ea, &pa) && eb->enumerate(eb, &pb))
	{
		equal = pa->equals(pa, pb);
	}
	ea->destroy(ea);
	eb->destroy(eb);
	return equal;
}

/**
 * Whether a new configuration needs a new KEK
 */
static bool kek_changed(gdoi_group_cfg_t *old, gdoi_group_cfg_t *new)
{
	if (old->rekey != new->rekey ||
		!proposals_equal(old->kek_proposals, new->kek_proposals))
	{
		return TRUE;
	}
	if (old->rekey_address && new->rekey_address)
	{
		return !old->rekey_address->ip_equals(old->rekey_address,
											  new->rekey_address);
	}
	return old->rekey_address != new->rekey_address;
}

/**
 * Whether a TEK still has a permitted traffic entry in a configuration
 */
static bool tek_permitted(gdoi_tek_t *tek, gdoi_group_cfg_t *cfg)
{
	gdoi_traffic_cfg_t *traffic;
	enumerator_t *enumerator;
	bool found = FALSE;

	enumerator = cfg->traffic->create_enumerator(cfg->traffic);
	while (!found && enumerator->enumerate(enumerator, &traffic))
	{
		found = traffic->permit && tek->src->equals(tek->src, traffic->src) &&
				tek->dst->equals(tek->dst, traffic->dst);
	}
	enumerator->destroy(enumerator);
	return found;
}

/**
 * Whether two optional identities are equal
 */
static bool ids_equal(identification_t *a, identification_t *b)
{
	if (a && b)
	{
		return a->equals(a, b);
	}
	return a == b;
}

METHOD(gdoi_ks_group_t, update, bool,
	private_gdoi_ks_group_t *this, gdoi_group_cfg_t *cfg, char **error)
{
	signature_params_t *scheme = NULL, *kek_scheme;
	private_key_t *signer = NULL, *kek_signer;
	enumerator_t *enumerator;
	linked_list_t *teks;
	gdoi_kek_t *kek = NULL;
	gdoi_tek_t *tek;
	bool changed, signer_changed, new_kek;
	u_int deleted = 0;

	this->lock->lock(this->lock);
	changed = !this->cfg->equals(this->cfg, cfg);
	signer_changed = !ids_equal(this->cfg->signing_key, cfg->signing_key);
	new_kek = signer_changed || kek_changed(this->cfg, cfg);
	if (!changed)
	{
		DBG1(DBG_CFG, "group '%s': policy unchanged, keeping %u members and "
			 "the keys", cfg->name, this->members->get_count(this->members));
		this->cfg->destroy(this->cfg);
		this->cfg = cfg->get_ref(cfg);
		this->lock->unlock(this->lock);
		return TRUE;
	}
	kek_signer = this->signer_changed ? this->next_signer : this->signer;
	kek_signer = kek_signer ? kek_signer->get_ref(kek_signer) : NULL;
	kek_scheme = this->signer_changed ? this->next_scheme : this->scheme;
	kek_scheme = kek_scheme ? signature_params_clone(kek_scheme) : NULL;
	this->lock->unlock(this->lock);

	/* without our lock: credential sets belong to other plugins */
	if (signer_changed)
	{
		if (!load_signer(cfg, &signer, &scheme, error))
		{
			DESTROY_IF(kek_signer);
			signature_params_destroy(kek_scheme);
			return FALSE;
		}
		DESTROY_IF(kek_signer);
		signature_params_destroy(kek_scheme);
		kek_signer = signer ? signer->get_ref(signer) : NULL;
		kek_scheme = scheme ? signature_params_clone(scheme) : NULL;
	}
	teks = linked_list_create();
	if (!make_teks(cfg, teks) ||
		(new_kek && !(kek = make_kek(cfg, this->ctx, kek_signer, kek_scheme))))
	{
		teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
		DESTROY_IF(signer);
		signature_params_destroy(scheme);
		DESTROY_IF(kek_signer);
		signature_params_destroy(kek_scheme);
		*error = strdup("making the group keys failed");
		return FALSE;
	}
	DESTROY_IF(kek_signer);
	signature_params_destroy(kek_scheme);

	this->lock->lock(this->lock);
	if (this->stopped)
	{
		this->lock->unlock(this->lock);
		teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
		DESTROY_IF(kek);
		DESTROY_IF(signer);
		signature_params_destroy(scheme);
		return TRUE;
	}
	/* TEKs of traffic that is not permitted anymore go, with a Delete;
	 * the others stay until they expire, as members switch over to the
	 * new ones */
	enumerator = this->teks->create_enumerator(this->teks);
	while (enumerator->enumerate(enumerator, &tek))
	{
		if (!tek_permitted(tek, cfg))
		{
			this->teks->remove_at(this->teks, enumerator);
			if (this->unsent->remove(this->unsent, tek, NULL))
			{
				tek->destroy(tek);
			}
			/* registrations may have handed it out, even if unsent */
			array_insert(this->deletes, ARRAY_TAIL, &tek->spi);
			DBG1(DBG_CHD, "group '%s': TEK %.8x %R === %R removed, its "
				 "traffic is not permitted anymore", cfg->name,
				 ntohl(tek->spi), tek->src, tek->dst);
			tek->destroy(tek);
			deleted++;
		}
	}
	enumerator->destroy(enumerator);
	while (teks->remove_first(teks, (void**)&tek) == SUCCESS)
	{
		this->teks->insert_last(this->teks, tek);
		this->unsent->insert_last(this->unsent, tek->get_ref(tek));
	}
	teks->destroy(teks);
	this->tek_created = time_monotonic(NULL);
	if (kek)
	{	/* protect keeps its own reference to the KEK it replaces */
		this->kek->destroy(this->kek);
		this->kek = kek;
	}
	if (signer_changed)
	{
		DESTROY_IF(this->next_signer);
		signature_params_destroy(this->next_scheme);
		this->next_signer = signer;
		this->next_scheme = scheme;
		this->signer_changed = TRUE;
		DBG1(DBG_CFG, "group '%s': signing key changed, members that "
			 "registered before verify rekeys with the old key until they "
			 "register again", cfg->name);
	}
	this->cfg->destroy(this->cfg);
	this->cfg = cfg->get_ref(cfg);
	this->push = TRUE;
	this->retry = 0;
	DBG1(DBG_CFG, "group '%s': policy changed, new keys made (TEKs%s), "
		 "%u TEKs of removed traffic deleted, pushing a rekey", cfg->name,
		 kek ? " and KEK" : "", deleted);
	log_keys(this);
	schedule(this);
	this->lock->unlock(this->lock);
	return TRUE;
}

METHOD(gdoi_ks_group_t, encode_registration, bool,
	private_gdoi_ks_group_t *this, gikev2_exchange_t exchange,
	gikev2_kwa_t kwa, chunk_t kwk, chunk_t *gsa, chunk_t *kd)
{
	gikev2_err_t err = {};
	bool ok;

	this->lock->lock(this->lock);
	if (this->stopped)
	{
		this->lock->unlock(this->lock);
		return FALSE;
	}
	expire_teks(this, time_monotonic(NULL));
	ok = gikev2_registration_encode(this->teks, this->kek, exchange, kwa, kwk,
									gsa, kd, &err);
	this->lock->unlock(this->lock);
	if (!ok)
	{
		DBG1(DBG_IKE, "group '%s': encoding the group policy failed: %s",
			 this->cfg->name, err.msg);
	}
	return ok;
}

METHOD(gdoi_ks_group_t, get_members, gdoi_ks_members_t*,
	private_gdoi_ks_group_t *this)
{
	return this->members;
}

METHOD(gdoi_ks_group_t, list, void,
	private_gdoi_ks_group_t *this, vici_builder_t *b)
{
	gdoi_ks_member_t *member;
	enumerator_t *enumerator;
	gdoi_ks_due_t due;
	time_t now = time_monotonic(NULL);
	char id[BUF_LEN];

	this->lock->lock(this->lock);
	if (!this->stopped)
	{
		due = gdoi_ks_rekey_due(this->cfg,
								this->members->get_count(this->members),
								this->tek_created, this->kek->created, now);
		b->add_kv(b, "rekeys-sent", "%u", this->rekeys);
		b->add_kv(b, "retransmissions", "%u", this->retransmissions);
		b->add_kv(b, "acks", "%u", this->acks);
		b->add_kv(b, "members-dropped", "%u", this->dropped);
		if (this->rekey)
		{
			b->add_kv(b, "message-id", "%u", this->rekey->mid);
		}
		b->add_kv(b, "tek-rekey-in", "%u", due.tek_in);
		b->add_kv(b, "kek-rekey-in", "%u", due.kek_in);
		if (this->push || this->force)
		{
			b->add_kv(b, "rekey-pending", "yes");
		}
		gdoi_vici_add_keys(b, this->teks, this->kek);
	}
	this->lock->unlock(this->lock);

	b->add_kv(b, "member-count", "%u", this->members->get_count(this->members));
	b->begin_section(b, "members");
	enumerator = this->members->create_enumerator(this->members);
	while (enumerator->enumerate(enumerator, &member))
	{
		snprintf(id, sizeof(id), "%Y", member->id);
		b->begin_section(b, id);
		b->add_kv(b, "address", "%H", member->address);
		b->add_kv(b, "registered", "%u", (u_int)(now - member->registered));
		b->add_kv(b, "missed", "%u", member->missed);
		if (member->ike_sa)
		{
			b->add_kv(b, "ike-sa", "%u", member->ike_sa);
		}
		b->end_section(b);
	}
	enumerator->destroy(enumerator);
	b->end_section(b);
}

METHOD(gdoi_ks_group_t, stop, void,
	private_gdoi_ks_group_t *this)
{
	this->rekey_lock->lock(this->rekey_lock);
	this->lock->lock(this->lock);
	this->stopped = TRUE;
	rekey_destroy(this->rekey);
	this->rekey = NULL;
	this->teks->destroy_offset(this->teks, offsetof(gdoi_tek_t, destroy));
	this->teks = linked_list_create();
	this->unsent->destroy_offset(this->unsent, offsetof(gdoi_tek_t, destroy));
	this->unsent = linked_list_create();
	DESTROY_IF(this->kek);
	this->kek = NULL;
	DESTROY_IF(this->protect);
	this->protect = NULL;
	this->lock->unlock(this->lock);
	this->rekey_lock->unlock(this->rekey_lock);
}

METHOD(gdoi_ks_group_t, get_ref, gdoi_ks_group_t*,
	private_gdoi_ks_group_t *this)
{
	ref_get(&this->ref);
	return &this->public;
}

METHOD(gdoi_ks_group_t, destroy, void,
	private_gdoi_ks_group_t *this)
{
	if (!ref_put(&this->ref))
	{
		return;
	}
	rekey_destroy(this->rekey);
	this->teks->destroy_offset(this->teks, offsetof(gdoi_tek_t, destroy));
	this->unsent->destroy_offset(this->unsent, offsetof(gdoi_tek_t, destroy));
	DESTROY_IF(this->kek);
	DESTROY_IF(this->protect);
	DESTROY_IF(this->signer);
	signature_params_destroy(this->scheme);
	DESTROY_IF(this->next_signer);
	signature_params_destroy(this->next_scheme);
	array_destroy(this->deletes);
	this->members->destroy(this->members);
	this->cfg->destroy(this->cfg);
	this->rekey_lock->destroy(this->rekey_lock);
	this->lock->destroy(this->lock);
	free(this);
}

/*
 * Described in header
 */
gdoi_ks_group_t *gdoi_ks_group_create(gdoi_group_cfg_t *cfg,
									  gdoi_ks_context_t *ctx, char **error)
{
	private_gdoi_ks_group_t *this;
	signature_params_t *scheme;
	private_key_t *signer;
	linked_list_t *teks;
	gdoi_kek_t *kek;

	if (!load_signer(cfg, &signer, &scheme, error))
	{
		return NULL;
	}
	teks = linked_list_create();
	if (!make_teks(cfg, teks) ||
		!(kek = make_kek(cfg, ctx, signer, scheme)))
	{
		teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
		DESTROY_IF(signer);
		signature_params_destroy(scheme);
		*error = strdup("making the group keys failed");
		return NULL;
	}
	INIT(this,
		.public = {
			.get_cfg = _get_cfg,
			.update = _update,
			.rekey = _rekey_,
			.rekey_soon = _rekey_soon,
			.retransmit = _retransmit,
			.ack = _ack,
			.inband_acked = _inband_acked,
			.encode_registration = _encode_registration,
			.get_members = _get_members,
			.list = _list,
			.stop = _stop,
			.get_ref = _get_ref,
			.destroy = _destroy,
		},
		.cfg = cfg->get_ref(cfg),
		.ctx = ctx,
		.teks = teks,
		.tek_created = time_monotonic(NULL),
		.kek = kek,
		.protect = kek->get_ref(kek),
		.unsent = linked_list_create(),
		.signer = signer,
		.scheme = scheme,
		.deletes = array_create(sizeof(uint32_t), 0),
		.members = gdoi_ks_members_create(cfg->name),
		.rekey_lock = mutex_create(MUTEX_TYPE_DEFAULT),
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
		.ref = 1,
	);
	log_keys(this);
	this->lock->lock(this->lock);
	schedule(this);
	this->lock->unlock(this->lock);
	return &this->public;
}

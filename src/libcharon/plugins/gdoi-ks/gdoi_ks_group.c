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

#include "gdoi_ks_group.h"

#include <daemon.h>
#include <threading/mutex.h>
#include <gdoi_tek.h>
#include <gdoi_kek.h>
#include <gikev2_registration.h>
#include <gikev2_keywrap.h>
#include <gdoi_vici.h>

/** UDP port GSA_REKEY messages are multicast to (RFC 9838 allows 848) */
#define REKEY_PORT 848

/** key wrap algorithm of the KEK */
#define KEK_KWA GIKEV2_KW_5649_256

typedef struct private_gdoi_ks_group_t private_gdoi_ks_group_t;

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
	 * Current TEKs, gdoi_tek_t*
	 */
	linked_list_t *teks;

	/**
	 * Current KEK, NULL if rekeys are not multicast
	 */
	gdoi_kek_t *kek;

	/**
	 * Registered members
	 */
	gdoi_ks_members_t *members;

	/**
	 * Lock for cfg and keys
	 */
	mutex_t *lock;

	/**
	 * Reference count
	 */
	refcount_t ref;
};

/**
 * Make the keys of a configuration: a TEK per permitted traffic entry with
 * the first ESP proposal, and a KEK for multicast rekeys
 */
static bool make_keys(gdoi_group_cfg_t *cfg, linked_list_t **teks_out,
					  gdoi_kek_t **kek_out)
{
	traffic_selector_t *src, *dst;
	gdoi_traffic_cfg_t *traffic;
	enumerator_t *enumerator;
	linked_list_t *teks;
	proposal_t *proposal;
	gdoi_kek_t *kek = NULL;
	gdoi_tek_t *tek;
	bool ok = TRUE;

	if (cfg->esp_proposals->get_first(cfg->esp_proposals,
									  (void**)&proposal) != SUCCESS)
	{
		DBG1(DBG_CFG, "group '%s': no ESP proposal", cfg->name);
		return FALSE;
	}
	teks = linked_list_create();
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

	if (ok && cfg->rekey == GDOI_REKEY_MULTICAST &&
		cfg->kek_proposals->get_first(cfg->kek_proposals,
									  (void**)&proposal) == SUCCESS)
	{
		src = traffic_selector_create_from_string(IPPROTO_UDP,
						cfg->rekey_address->get_family(cfg->rekey_address) ==
							AF_INET ? TS_IPV4_ADDR_RANGE : TS_IPV6_ADDR_RANGE,
						cfg->rekey_address->get_family(cfg->rekey_address) ==
							AF_INET ? "0.0.0.0" : "::", 0,
						cfg->rekey_address->get_family(cfg->rekey_address) ==
							AF_INET ? "255.255.255.255" :
							"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535);
		dst = traffic_selector_create_from_subnet(
						cfg->rekey_address->clone(cfg->rekey_address),
						cfg->rekey_address->get_family(cfg->rekey_address) ==
							AF_INET ? 32 : 128, IPPROTO_UDP, REKEY_PORT,
						REKEY_PORT);
		kek = gdoi_kek_generate(proposal, KEK_KWA,
								gikev2_kwa_key_size(KEK_KWA), src, dst,
								cfg->kek_lifetime);
		src->destroy(src);
		dst->destroy(dst);
		ok = kek != NULL;
	}
	if (!ok)
	{
		DBG1(DBG_CFG, "group '%s': making the group keys failed", cfg->name);
		teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
		DESTROY_IF(kek);
		return FALSE;
	}
	*teks_out = teks;
	*kek_out = kek;
	return TRUE;
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
	if (this->kek)
	{
		DBG1(DBG_CHD, "group '%s': KEK %+B, rekeys to %R, lifetime %us",
			 this->cfg->name, &(chunk_t){this->kek->spi,
										 sizeof(this->kek->spi)},
			 this->kek->dst, this->kek->lifetime);
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

METHOD(gdoi_ks_group_t, update, bool,
	private_gdoi_ks_group_t *this, gdoi_group_cfg_t *cfg)
{
	linked_list_t *teks;
	gdoi_kek_t *kek;
	bool changed;

	this->lock->lock(this->lock);
	changed = !this->cfg->equals(this->cfg, cfg);
	if (changed && make_keys(cfg, &teks, &kek))
	{
		this->teks->destroy_offset(this->teks, offsetof(gdoi_tek_t, destroy));
		DESTROY_IF(this->kek);
		this->teks = teks;
		this->kek = kek;
		DBG1(DBG_CFG, "group '%s': policy changed, new keys made",
			 cfg->name);
		this->cfg->destroy(this->cfg);
		this->cfg = cfg->get_ref(cfg);
		log_keys(this);
	}
	else if (!changed)
	{
		DBG1(DBG_CFG, "group '%s': policy unchanged, keeping %u members and "
			 "the keys", cfg->name, this->members->get_count(this->members));
		this->cfg->destroy(this->cfg);
		this->cfg = cfg->get_ref(cfg);
	}
	else
	{
		changed = FALSE;
	}
	this->lock->unlock(this->lock);
	return changed;
}

METHOD(gdoi_ks_group_t, encode_registration, bool,
	private_gdoi_ks_group_t *this, gikev2_exchange_t exchange,
	gikev2_kwa_t kwa, chunk_t kwk, chunk_t *gsa, chunk_t *kd)
{
	gikev2_err_t err = {};
	bool ok;

	this->lock->lock(this->lock);
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
	time_t now = time_monotonic(NULL);
	char id[BUF_LEN];

	this->lock->lock(this->lock);
	gdoi_vici_add_keys(b, this->teks, this->kek);
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
		b->end_section(b);
	}
	enumerator->destroy(enumerator);
	b->end_section(b);

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
	this->teks->destroy_offset(this->teks, offsetof(gdoi_tek_t, destroy));
	DESTROY_IF(this->kek);
	this->members->destroy(this->members);
	this->cfg->destroy(this->cfg);
	this->lock->destroy(this->lock);
	free(this);
}

/*
 * Described in header
 */
gdoi_ks_group_t *gdoi_ks_group_create(gdoi_group_cfg_t *cfg)
{
	private_gdoi_ks_group_t *this;
	linked_list_t *teks;
	gdoi_kek_t *kek;

	if (!make_keys(cfg, &teks, &kek))
	{
		return NULL;
	}
	INIT(this,
		.public = {
			.get_cfg = _get_cfg,
			.update = _update,
			.encode_registration = _encode_registration,
			.get_members = _get_members,
			.list = _list,
			.get_ref = _get_ref,
			.destroy = _destroy,
		},
		.cfg = cfg->get_ref(cfg),
		.teks = teks,
		.kek = kek,
		.members = gdoi_ks_members_create(cfg->name),
		.lock = mutex_create(MUTEX_TYPE_DEFAULT),
		.ref = 1,
	);
	log_keys(this);
	return &this->public;
}

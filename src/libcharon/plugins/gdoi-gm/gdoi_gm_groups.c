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

#include "gdoi_gm_groups.h"

#include <collections/hashtable.h>
#include <threading/rwlock.h>

typedef struct private_gdoi_gm_groups_t private_gdoi_gm_groups_t;

/**
 * Private data of a gdoi_gm_groups_t object.
 */
struct private_gdoi_gm_groups_t {

	/**
	 * Public interface.
	 */
	gdoi_gm_groups_t public;

	/**
	 * Joined groups, name => gdoi_group_cfg_t (own reference, keyed by the
	 * configuration's name)
	 */
	hashtable_t *groups;

	/**
	 * Lock for groups
	 */
	rwlock_t *lock;
};

METHOD(gdoi_role_handler_t, load, bool,
	private_gdoi_gm_groups_t *this, gdoi_group_cfg_t *cfg, char **error)
{
	gdoi_group_cfg_t *old;

	this->lock->write_lock(this->lock);
	old = this->groups->put(this->groups, cfg->name, cfg->get_ref(cfg));
	this->lock->unlock(this->lock);

	if (old)
	{
		DBG2(DBG_CFG, "member group %s %s", cfg->name,
			 old->equals(old, cfg) ? "reloaded unchanged" : "changed");
		old->destroy(old);
	}
	else
	{
		DBG2(DBG_CFG, "member group %s loaded", cfg->name);
	}
	return TRUE;
}

METHOD(gdoi_role_handler_t, unload, bool,
	private_gdoi_gm_groups_t *this, char *name)
{
	gdoi_group_cfg_t *cfg;

	this->lock->write_lock(this->lock);
	cfg = this->groups->remove(this->groups, name);
	this->lock->unlock(this->lock);

	if (!cfg)
	{
		return FALSE;
	}
	DBG2(DBG_CFG, "member group %s unloaded", name);
	cfg->destroy(cfg);
	return TRUE;
}

CALLBACK(destroy_names, void,
	linked_list_t *names)
{
	names->destroy_function(names, free);
}

METHOD(gdoi_role_handler_t, create_enumerator, enumerator_t*,
	private_gdoi_gm_groups_t *this)
{
	enumerator_t *enumerator;
	linked_list_t *names;
	char *name;

	names = linked_list_create();
	this->lock->read_lock(this->lock);
	enumerator = this->groups->create_enumerator(this->groups);
	while (enumerator->enumerate(enumerator, &name, NULL))
	{
		names->insert_last(names, strdup(name));
	}
	enumerator->destroy(enumerator);
	this->lock->unlock(this->lock);

	return enumerator_create_cleaner(names->create_enumerator(names),
									 destroy_names, names);
}

METHOD(gdoi_role_handler_t, list, void,
	private_gdoi_gm_groups_t *this, char *name, vici_builder_t *b)
{
	gdoi_group_cfg_t *cfg;
	enumerator_t *enumerator;
	host_t *host;

	this->lock->read_lock(this->lock);
	cfg = this->groups->get(this->groups, name);
	if (!cfg)
	{
		this->lock->unlock(this->lock);
		return;
	}
	b->begin_list(b, "key-servers");
	enumerator = cfg->key_servers->create_enumerator(cfg->key_servers);
	while (enumerator->enumerate(enumerator, &host))
	{
		b->add_li(b, "%H", host);
	}
	enumerator->destroy(enumerator);
	b->end_list(b);
	b->add_kv(b, "state", "idle");
	this->lock->unlock(this->lock);
}

METHOD(gdoi_gm_groups_t, get_group, gdoi_group_cfg_t*,
	private_gdoi_gm_groups_t *this, char *name)
{
	gdoi_group_cfg_t *cfg;

	this->lock->read_lock(this->lock);
	cfg = this->groups->get(this->groups, name);
	if (cfg)
	{
		cfg = cfg->get_ref(cfg);
	}
	this->lock->unlock(this->lock);
	return cfg;
}

METHOD(gdoi_gm_groups_t, destroy, void,
	private_gdoi_gm_groups_t *this)
{
	enumerator_t *enumerator;
	gdoi_group_cfg_t *cfg;

	enumerator = this->groups->create_enumerator(this->groups);
	while (enumerator->enumerate(enumerator, NULL, &cfg))
	{
		cfg->destroy(cfg);
	}
	enumerator->destroy(enumerator);
	this->groups->destroy(this->groups);
	this->lock->destroy(this->lock);
	free(this);
}

/*
 * Described in header
 */
gdoi_gm_groups_t *gdoi_gm_groups_create()
{
	private_gdoi_gm_groups_t *this;

	INIT(this,
		.public = {
			.handler = {
				.load = _load,
				.unload = _unload,
				.create_enumerator = _create_enumerator,
				.list = _list,
			},
			.get_group = _get_group,
			.destroy = _destroy,
		},
		.groups = hashtable_create(hashtable_hash_str, hashtable_equals_str, 8),
		.lock = rwlock_create(RWLOCK_TYPE_DEFAULT),
	);

	return &this->public;
}

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

#include "gdoi_ks_members.h"

#include <collections/hashtable.h>
#include <threading/rwlock.h>
#include <utils/debug.h>

typedef struct private_gdoi_ks_members_t private_gdoi_ks_members_t;

/**
 * Private data of a gdoi_ks_members_t object.
 */
struct private_gdoi_ks_members_t {

	/**
	 * Public interface.
	 */
	gdoi_ks_members_t public;

	/**
	 * Group name, for log lines
	 */
	char *group;

	/**
	 * Members, identification_t* => gdoi_ks_member_t*, keyed by member->id
	 */
	hashtable_t *members;

	/**
	 * Members by address, host_t* => gdoi_ks_member_t*, keyed by
	 * member->address (the last one registered from an address)
	 */
	hashtable_t *addresses;

	/**
	 * Lock for members
	 */
	rwlock_t *lock;
};

/**
 * Destroy a member entry
 */
static void member_destroy(gdoi_ks_member_t *member)
{
	member->id->destroy(member->id);
	member->address->destroy(member->address);
	free(member);
}

/**
 * Hash an identity by type and encoding
 */
static u_int id_hash(identification_t *id)
{
	id_type_t type = id->get_type(id);

	return chunk_hash_inc(id->get_encoding(id),
						  chunk_hash(chunk_from_thing(type)));
}

/**
 * Compare two identities
 */
static bool id_equals(identification_t *a, identification_t *b)
{
	return a->equals(a, b);
}

/**
 * Hash an address without its port
 */
static u_int addr_hash(host_t *host)
{
	return chunk_hash(host->get_address(host));
}

/**
 * Compare two addresses without their ports
 */
static bool addr_equals(host_t *a, host_t *b)
{
	return a->ip_equals(a, b);
}

/**
 * Remove a member from the address table if it is the one there
 */
static void remove_address(private_gdoi_ks_members_t *this,
						   gdoi_ks_member_t *member)
{
	if (this->addresses->get(this->addresses, member->address) == member)
	{
		this->addresses->remove(this->addresses, member->address);
	}
}

METHOD(gdoi_ks_members_t, add, bool,
	private_gdoi_ks_members_t *this, identification_t *id, host_t *address,
	u_int ike_sa)
{
	gdoi_ks_member_t *member;
	bool new = FALSE;

	this->lock->write_lock(this->lock);
	member = this->members->get(this->members, id);
	if (member)
	{
		remove_address(this, member);
		member->address->destroy(member->address);
	}
	else
	{
		INIT(member,
			.id = id->clone(id),
		);
		this->members->put(this->members, member->id, member);
		new = TRUE;
	}
	member->address = address->clone(address);
	member->registered = time_monotonic(NULL);
	member->missed = 0;
	member->ike_sa = ike_sa;
	/* registered with the current keys, nothing to acknowledge */
	member->pending = FALSE;
	member->inband = FALSE;
	this->addresses->put(this->addresses, member->address, member);
	this->lock->unlock(this->lock);
	return new;
}

METHOD(gdoi_ks_members_t, remove_, bool,
	private_gdoi_ks_members_t *this, identification_t *id)
{
	gdoi_ks_member_t *member;

	this->lock->write_lock(this->lock);
	member = this->members->remove(this->members, id);
	if (member)
	{
		remove_address(this, member);
	}
	this->lock->unlock(this->lock);
	if (member)
	{
		member_destroy(member);
		return TRUE;
	}
	return FALSE;
}

METHOD(gdoi_ks_members_t, get_count, u_int,
	private_gdoi_ks_members_t *this)
{
	u_int count;

	this->lock->read_lock(this->lock);
	count = this->members->get_count(this->members);
	this->lock->unlock(this->lock);
	return count;
}

METHOD(gdoi_ks_members_t, rekey_sent, void,
	private_gdoi_ks_members_t *this)
{
	enumerator_t *enumerator;
	gdoi_ks_member_t *member;

	this->lock->write_lock(this->lock);
	enumerator = this->members->create_enumerator(this->members);
	while (enumerator->enumerate(enumerator, NULL, &member))
	{
		member->missed++;
		member->pending = TRUE;
		member->inband = FALSE;
	}
	enumerator->destroy(enumerator);
	this->lock->unlock(this->lock);
}

METHOD(gdoi_ks_members_t, set_inband, bool,
	private_gdoi_ks_members_t *this, identification_t *id)
{
	gdoi_ks_member_t *member;

	this->lock->write_lock(this->lock);
	member = this->members->get(this->members, id);
	if (member)
	{
		member->inband = TRUE;
	}
	this->lock->unlock(this->lock);
	return member != NULL;
}

METHOD(gdoi_ks_members_t, acked, bool,
	private_gdoi_ks_members_t *this, identification_t *id)
{
	gdoi_ks_member_t *member;

	this->lock->write_lock(this->lock);
	member = this->members->get(this->members, id);
	if (member)
	{
		member->missed = 0;
		member->pending = FALSE;
	}
	this->lock->unlock(this->lock);
	return member != NULL;
}

METHOD(gdoi_ks_members_t, acked_address, bool,
	private_gdoi_ks_members_t *this, host_t *address)
{
	gdoi_ks_member_t *member;
	bool pending = FALSE;

	this->lock->write_lock(this->lock);
	member = this->addresses->get(this->addresses, address);
	if (member && member->pending)
	{
		member->missed = 0;
		member->pending = FALSE;
		pending = TRUE;
	}
	this->lock->unlock(this->lock);
	return pending;
}

METHOD(gdoi_ks_members_t, expire, u_int,
	private_gdoi_ks_members_t *this, u_int max_missed)
{
	enumerator_t *enumerator;
	gdoi_ks_member_t *member;
	u_int dropped = 0;

	this->lock->write_lock(this->lock);
	enumerator = this->members->create_enumerator(this->members);
	while (enumerator->enumerate(enumerator, NULL, &member))
	{
		if (member->missed >= max_missed)
		{
			DBG1(DBG_CFG, "group '%s': member '%Y' at %H missed %u scheduled "
				 "rekeys, removed from the group", this->group, member->id,
				 member->address, member->missed);
			this->members->remove_at(this->members, enumerator);
			remove_address(this, member);
			member_destroy(member);
			dropped++;
		}
	}
	enumerator->destroy(enumerator);
	this->lock->unlock(this->lock);
	return dropped;
}

CALLBACK(filter_members, bool,
	void *data, enumerator_t *orig, va_list args)
{
	gdoi_ks_member_t *member, **out;

	VA_ARGS_VGET(args, out);
	if (orig->enumerate(orig, NULL, &member))
	{
		*out = member;
		return TRUE;
	}
	return FALSE;
}

METHOD(gdoi_ks_members_t, create_enumerator, enumerator_t*,
	private_gdoi_ks_members_t *this)
{
	this->lock->read_lock(this->lock);
	return enumerator_create_filter(
					this->members->create_enumerator(this->members),
					filter_members, this->lock, (void*)this->lock->unlock);
}

METHOD(gdoi_ks_members_t, destroy, void,
	private_gdoi_ks_members_t *this)
{
	this->addresses->destroy(this->addresses);
	this->members->destroy_function(this->members, (void*)member_destroy);
	this->lock->destroy(this->lock);
	free(this->group);
	free(this);
}

/*
 * Described in header
 */
gdoi_ks_members_t *gdoi_ks_members_create(char *group)
{
	private_gdoi_ks_members_t *this;

	INIT(this,
		.public = {
			.add = _add,
			.remove = _remove_,
			.get_count = _get_count,
			.rekey_sent = _rekey_sent,
			.set_inband = _set_inband,
			.acked = _acked,
			.acked_address = _acked_address,
			.expire = _expire,
			.create_enumerator = _create_enumerator,
			.destroy = _destroy,
		},
		.group = strdup(group),
		.members = hashtable_create((hashtable_hash_t)id_hash,
									(hashtable_equals_t)id_equals, 32),
		.addresses = hashtable_create((hashtable_hash_t)addr_hash,
									  (hashtable_equals_t)addr_equals, 32),
		.lock = rwlock_create(RWLOCK_TYPE_DEFAULT),
	);
	return &this->public;
}

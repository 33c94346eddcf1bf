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

#include "gdoi_tek.h"

#include <sa/keymat.h>
#include <utils/debug.h>

typedef struct private_gdoi_tek_t private_gdoi_tek_t;

/**
 * Private data of a gdoi_tek_t object.
 */
struct private_gdoi_tek_t {

	/**
	 * Public interface.
	 */
	gdoi_tek_t public;

	/**
	 * Size of the encryption key in keymat
	 */
	size_t encr_size;

	/**
	 * Reference count
	 */
	refcount_t ref;
};

/**
 * Bytes of salt or nonce an encryption algorithm takes with its key
 */
static size_t encr_salt(uint16_t alg)
{
	switch (alg)
	{
		case ENCR_AES_CCM_ICV8:
		case ENCR_AES_CCM_ICV12:
		case ENCR_AES_CCM_ICV16:
		case ENCR_CAMELLIA_CCM_ICV8:
		case ENCR_CAMELLIA_CCM_ICV12:
		case ENCR_CAMELLIA_CCM_ICV16:
			return 3;
		case ENCR_AES_GCM_ICV8:
		case ENCR_AES_GCM_ICV12:
		case ENCR_AES_GCM_ICV16:
		case ENCR_AES_CTR:
		case ENCR_CAMELLIA_CTR:
		case ENCR_NULL_AUTH_AES_GMAC:
		case ENCR_CHACHA20_POLY1305:
			return 4;
		default:
			return 0;
	}
}

/*
 * Described in header
 */
bool gdoi_keymat_sizes(uint16_t encr_alg, uint16_t encr_keylen,
					   uint16_t integ_alg, size_t *encr_size,
					   size_t *integ_size)
{
	int bits;

	bits = encr_keylen ?: keymat_get_keylen_encr(encr_alg);
	if (encr_alg != ENCR_NULL && bits <= 0)
	{
		DBG1(DBG_CHD, "no key length known for %N", encryption_algorithm_names,
			 encr_alg);
		return FALSE;
	}
	*encr_size = encr_alg == ENCR_NULL ? 0 : bits / 8 + encr_salt(encr_alg);
	*integ_size = 0;
	switch (integ_alg)
	{	/* AES-GMAC as integrity algorithm: key plus 4 octets of salt
		 * (RFC 4543 3.2), which charon's table does not list */
		case AUTH_AES_128_GMAC:
			*integ_size = 16 + 4;
			return TRUE;
		case AUTH_AES_192_GMAC:
			*integ_size = 24 + 4;
			return TRUE;
		case AUTH_AES_256_GMAC:
			*integ_size = 32 + 4;
			return TRUE;
		default:
			break;
	}
	if (integ_alg != AUTH_UNDEFINED)
	{
		bits = keymat_get_keylen_integ(integ_alg);
		if (bits <= 0)
		{
			DBG1(DBG_CHD, "no key length known for %N",
				 integrity_algorithm_names, integ_alg);
			return FALSE;
		}
		*integ_size = bits / 8;
	}
	return TRUE;
}

METHOD(gdoi_tek_t, get_ref, gdoi_tek_t*,
	private_gdoi_tek_t *this)
{
	ref_get(&this->ref);
	return &this->public;
}

METHOD(gdoi_tek_t, get_keys, void,
	private_gdoi_tek_t *this, chunk_t *encr, chunk_t *integ)
{
	*encr = chunk_create(this->public.keymat.ptr, this->encr_size);
	*integ = chunk_skip(this->public.keymat, this->encr_size);
}

METHOD(gdoi_tek_t, get_remaining, uint32_t,
	private_gdoi_tek_t *this, time_t now)
{
	time_t expires = this->public.created + this->public.lifetime;

	return now >= expires ? 0 : expires - now;
}

METHOD(gdoi_tek_t, destroy, void,
	private_gdoi_tek_t *this)
{
	if (ref_put(&this->ref))
	{
		chunk_clear(&this->public.keymat);
		this->public.src->destroy(this->public.src);
		this->public.dst->destroy(this->public.dst);
		free(this);
	}
}

/*
 * Described in header
 */
gdoi_tek_t *gdoi_tek_create(uint32_t spi, uint16_t encr_alg,
							uint16_t encr_keylen, uint16_t integ_alg,
							chunk_t keymat, traffic_selector_t *src,
							traffic_selector_t *dst, uint32_t lifetime)
{
	private_gdoi_tek_t *this;
	size_t encr_size, integ_size;

	if (!gdoi_keymat_sizes(encr_alg, encr_keylen, integ_alg, &encr_size,
						   &integ_size))
	{
		return NULL;
	}
	if (keymat.len != encr_size + integ_size)
	{
		DBG1(DBG_CHD, "TEK key material of %zu bytes does not fit %N/%N "
			 "(%zu bytes)", keymat.len, encryption_algorithm_names, encr_alg,
			 integrity_algorithm_names, integ_alg, encr_size + integ_size);
		return NULL;
	}
	INIT(this,
		.public = {
			.spi = spi,
			.protocol = PROTO_ESP,
			.encr_alg = encr_alg,
			.encr_keylen = encr_keylen,
			.integ_alg = integ_alg,
			.keymat = chunk_clone(keymat),
			.src = src->clone(src),
			.dst = dst->clone(dst),
			.lifetime = lifetime,
			.created = time_monotonic(NULL),
			.get_ref = _get_ref,
			.get_keys = _get_keys,
			.get_remaining = _get_remaining,
			.destroy = _destroy,
		},
		.encr_size = encr_size,
		.ref = 1,
	);
	return &this->public;
}

/*
 * Described in header
 */
gdoi_tek_t *gdoi_tek_generate(proposal_t *proposal, traffic_selector_t *src,
							  traffic_selector_t *dst, uint32_t lifetime)
{
	uint16_t encr_alg, encr_keylen = 0, integ_alg = AUTH_UNDEFINED;
	size_t encr_size, integ_size;
	uint32_t spi = 0;
	gdoi_tek_t *tek = NULL;
	chunk_t keymat = chunk_empty;
	rng_t *rng;

	if (!proposal->get_algorithm(proposal, ENCRYPTION_ALGORITHM, &encr_alg,
								 &encr_keylen))
	{
		DBG1(DBG_CHD, "proposal %P has no encryption algorithm", proposal);
		return NULL;
	}
	proposal->get_algorithm(proposal, INTEGRITY_ALGORITHM, &integ_alg, NULL);
	if (encryption_algorithm_is_aead(encr_alg))
	{
		integ_alg = AUTH_UNDEFINED;
	}
	if (!gdoi_keymat_sizes(encr_alg, encr_keylen, integ_alg, &encr_size,
						   &integ_size))
	{
		return NULL;
	}
	rng = lib->crypto->create_rng(lib->crypto, RNG_STRONG);
	if (!rng)
	{
		DBG1(DBG_CHD, "no strong RNG to generate a TEK");
		return NULL;
	}
	/* SPIs 0 to 255 are reserved (RFC 4303) */
	while (ntohl(spi) < 256)
	{
		if (!rng->get_bytes(rng, sizeof(spi), (uint8_t*)&spi))
		{
			goto out;
		}
	}
	if (!rng->allocate_bytes(rng, encr_size + integ_size, &keymat))
	{
		goto out;
	}
	tek = gdoi_tek_create(spi, encr_alg, encr_keylen, integ_alg, keymat,
						  src, dst, lifetime);
out:
	if (!tek)
	{
		DBG1(DBG_CHD, "generating a TEK failed");
	}
	chunk_clear(&keymat);
	rng->destroy(rng);
	return tek;
}

/*
 * Described in header
 */
host_t *gdoi_ts_multicast(traffic_selector_t *ts)
{
	chunk_t from, to;
	bool multicast;

	from = ts->get_from_address(ts);
	to = ts->get_to_address(ts);
	multicast = chunk_equals(from, to) &&
				((from.len == 4 && (from.ptr[0] & 0xf0) == 0xe0) ||
				 (from.len == 16 && from.ptr[0] == 0xff));
	if (!multicast)
	{
		return NULL;
	}
	return host_create_from_chunk(from.len == 4 ? AF_INET : AF_INET6, from,
								  ts->get_from_port(ts));
}

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

#include "gdoi_kek.h"
#include "gdoi_tek.h"

#include <utils/debug.h>

typedef struct private_gdoi_kek_t private_gdoi_kek_t;

/**
 * Private data of a gdoi_kek_t object.
 */
struct private_gdoi_kek_t {

	/**
	 * Public interface.
	 */
	gdoi_kek_t public;

	/**
	 * Sizes of the encryption and integrity keys in keymat
	 */
	size_t encr_size;
	size_t integ_size;

	/**
	 * Reference count
	 */
	refcount_t ref;
};

METHOD(gdoi_kek_t, get_ref, gdoi_kek_t*,
	private_gdoi_kek_t *this)
{
	ref_get(&this->ref);
	return &this->public;
}

METHOD(gdoi_kek_t, get_keys, void,
	private_gdoi_kek_t *this, chunk_t *encr, chunk_t *integ, chunk_t *kwk)
{
	chunk_t keymat = this->public.keymat;

	*encr = chunk_create(keymat.ptr, this->encr_size);
	*integ = chunk_create(keymat.ptr + this->encr_size, this->integ_size);
	*kwk = chunk_skip(keymat, this->encr_size + this->integ_size);
}

METHOD(gdoi_kek_t, get_remaining, uint32_t,
	private_gdoi_kek_t *this, time_t now)
{
	time_t expires = this->public.created + this->public.lifetime;

	return now >= expires ? 0 : expires - now;
}

METHOD(gdoi_kek_t, set_auth, void,
	private_gdoi_kek_t *this, public_key_t *key, signature_params_t *scheme)
{
	DESTROY_IF(this->public.auth_key);
	signature_params_destroy(this->public.auth_scheme);
	this->public.auth_key = key ? key->get_ref(key) : NULL;
	this->public.auth_scheme = scheme ? signature_params_clone(scheme) : NULL;
}

METHOD(gdoi_kek_t, destroy, void,
	private_gdoi_kek_t *this)
{
	if (ref_put(&this->ref))
	{
		set_auth(this, NULL, NULL);
		chunk_clear(&this->public.keymat);
		this->public.src->destroy(this->public.src);
		this->public.dst->destroy(this->public.dst);
		free(this);
	}
}

/*
 * Described in header
 */
gdoi_kek_t *gdoi_kek_create(chunk_t spi, uint16_t encr_alg,
							uint16_t encr_keylen, uint16_t integ_alg,
							uint16_t kwa, size_t kwk_size, chunk_t keymat,
							traffic_selector_t *src, traffic_selector_t *dst,
							uint32_t lifetime)
{
	private_gdoi_kek_t *this;
	size_t encr_size, integ_size;

	if (spi.len != GDOI_KEK_SPI_SIZE)
	{
		DBG1(DBG_CHD, "KEK SPI of %zu bytes, %d expected", spi.len,
			 GDOI_KEK_SPI_SIZE);
		return NULL;
	}
	if (!gdoi_keymat_sizes(encr_alg, encr_keylen, integ_alg, &encr_size,
						   &integ_size))
	{
		return NULL;
	}
	if (keymat.len != encr_size + integ_size + kwk_size)
	{
		DBG1(DBG_CHD, "KEK key material of %zu bytes does not fit %N/%N with "
			 "a %zu byte key wrap key", keymat.len, encryption_algorithm_names,
			 encr_alg, integrity_algorithm_names, integ_alg, kwk_size);
		return NULL;
	}
	INIT(this,
		.public = {
			.encr_alg = encr_alg,
			.encr_keylen = encr_keylen,
			.integ_alg = integ_alg,
			.kwa = kwa,
			.kwk_size = kwk_size,
			.keymat = chunk_clone(keymat),
			.src = src->clone(src),
			.dst = dst->clone(dst),
			.lifetime = lifetime,
			.created = time_monotonic(NULL),
			.get_ref = _get_ref,
			.get_keys = _get_keys,
			.get_remaining = _get_remaining,
			.set_auth = _set_auth,
			.destroy = _destroy,
		},
		.encr_size = encr_size,
		.integ_size = integ_size,
		.ref = 1,
	);
	memcpy(this->public.spi, spi.ptr, GDOI_KEK_SPI_SIZE);
	return &this->public;
}

/*
 * Described in header
 */
gdoi_kek_t *gdoi_kek_generate(proposal_t *proposal, uint16_t kwa,
							  size_t kwk_size, traffic_selector_t *src,
							  traffic_selector_t *dst, uint32_t lifetime)
{
	uint16_t encr_alg, encr_keylen = 0, integ_alg = AUTH_UNDEFINED;
	uint8_t spi[GDOI_KEK_SPI_SIZE];
	size_t encr_size, integ_size;
	chunk_t keymat = chunk_empty;
	gdoi_kek_t *kek = NULL;
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
		DBG1(DBG_CHD, "no strong RNG to generate a KEK");
		return NULL;
	}
	if (rng->get_bytes(rng, sizeof(spi), spi) &&
		rng->allocate_bytes(rng, encr_size + integ_size + kwk_size, &keymat))
	{
		kek = gdoi_kek_create(chunk_from_thing(spi), encr_alg, encr_keylen,
							  integ_alg, kwa, kwk_size, keymat, src, dst,
							  lifetime);
	}
	if (!kek)
	{
		DBG1(DBG_CHD, "generating a KEK failed");
	}
	chunk_clear(&keymat);
	rng->destroy(rng);
	return kek;
}

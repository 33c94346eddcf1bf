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

#include "gikev2_registration.h"
#include "gikev2_gsa.h"
#include "gikev2_kd.h"
#include "gikev2_keywrap.h"

#include <credentials/keys/signature_params.h>

/**
 * Wrap key material into a new group key bag of the KD
 */
static bool add_bag(gikev2_kd_t *kd, gikev2_protocol_t protocol, chunk_t spi,
					gikev2_kwa_t kwa, chunk_t kwk, chunk_t keymat,
					gikev2_err_t *err)
{
	gikev2_key_bag_t *bag;
	chunk_t wrapped;

	if (!gikev2_key_wrap(kwa, kwk, keymat, &wrapped, err))
	{
		return FALSE;
	}
	bag = gikev2_key_bag_create_group(protocol, spi);
	/* SA keys of a registration: Key ID 0, wrapped with the default KWK */
	gikev2_key_bag_add_key(bag, 0, 0, wrapped);
	chunk_free(&wrapped);
	kd->add_bag(kd, bag);
	return TRUE;
}

/**
 * Add the GCAUTH transform of a KEK policy and, for Digital Signature, the
 * AUTH_KEY attribute in the member key bag
 */
static bool add_auth(gikev2_kd_t *kd, gikev2_policy_t *policy,
					 gdoi_kek_t *kek, gikev2_err_t *err)
{
	gikev2_key_bag_t *bag;
	chunk_t spki;

	if (!kek->auth_key)
	{
		policy->gcauth = (gikev2_transform_t){
			.present = TRUE,
			.id = GIKEV2_GCAUTH_IMPLICIT,
		};
		return TRUE;
	}
	policy->gcauth = (gikev2_transform_t){
		.present = TRUE,
		.id = GIKEV2_GCAUTH_DIGITAL_SIGNATURE,
	};
	if (!kek->auth_scheme ||
		!signature_params_build(kek->auth_scheme, &policy->gcauth.sig_alg))
	{
		gikev2_err_set(err, "no AlgorithmIdentifier for the KEK's signature "
					   "scheme %N%s", signature_scheme_names,
					   kek->auth_scheme ? kek->auth_scheme->scheme : SIGN_UNKNOWN,
					   kek->auth_scheme &&
					   kek->auth_scheme->scheme == SIGN_RSA_EMSA_PSS ?
					   " (RSA-PSS needs a fixed salt length)" : "");
		return FALSE;
	}
	if (!kek->auth_key->get_encoding(kek->auth_key, PUBKEY_SPKI_ASN1_DER,
									 &spki))
	{
		gikev2_err_set(err, "encoding the KEK's %N authentication key failed",
					   key_type_names, kek->auth_key->get_type(kek->auth_key));
		return FALSE;
	}
	bag = gikev2_key_bag_create_member();
	bag->auth_key = spki;
	kd->add_bag(kd, bag);
	return TRUE;
}

/*
 * Described in header
 */
bool gikev2_registration_encode(linked_list_t *teks, gdoi_kek_t *kek,
								gikev2_exchange_t exchange, gikev2_kwa_t kwa,
								chunk_t kwk, chunk_t *gsa_body,
								chunk_t *kd_body, gikev2_err_t *err)
{
	enumerator_t *enumerator;
	gikev2_policy_t *policy, *kek_policy = NULL;
	gikev2_gsa_t *gsa;
	gikev2_kd_t *kd;
	gdoi_tek_t *tek;
	time_t now = time_monotonic(NULL);
	bool ok = TRUE;

	gsa = gikev2_gsa_create();
	kd = gikev2_kd_create();
	if (kek)
	{
		policy = gikev2_policy_create(GIKEV2_PROTO_GIKE_UPDATE,
									  chunk_create(kek->spi, sizeof(kek->spi)),
									  kek->src->clone(kek->src),
									  kek->dst->clone(kek->dst));
		policy->encr = (gikev2_transform_t){
			.present = TRUE,
			.id = kek->encr_alg,
			.key_length = kek->encr_keylen,
		};
		if (kek->integ_alg != AUTH_UNDEFINED)
		{
			policy->integ = (gikev2_transform_t){
				.present = TRUE,
				.id = kek->integ_alg,
			};
		}
		policy->kwa = (gikev2_transform_t){
			.present = TRUE,
			.id = kek->kwa,
		};
		policy->has_lifetime = TRUE;
		policy->lifetime = kek->get_remaining(kek, now);
		gsa->add_policy(gsa, policy);
		kek_policy = policy;
		ok = add_bag(kd, GIKEV2_PROTO_GIKE_UPDATE,
					 chunk_create(kek->spi, sizeof(kek->spi)), kwa, kwk,
					 kek->keymat, err);
	}
	enumerator = teks->create_enumerator(teks);
	while (ok && enumerator->enumerate(enumerator, &tek))
	{
		policy = gikev2_policy_create(GIKEV2_PROTO_ESP,
									  chunk_from_thing(tek->spi),
									  tek->src->clone(tek->src),
									  tek->dst->clone(tek->dst));
		policy->encr = (gikev2_transform_t){
			.present = TRUE,
			.id = tek->encr_alg,
			.key_length = tek->encr_keylen,
		};
		if (tek->integ_alg != AUTH_UNDEFINED)
		{
			policy->integ = (gikev2_transform_t){
				.present = TRUE,
				.id = tek->integ_alg,
			};
		}
		/* many senders: no sequence number checks (RFC 9838 4.4.2.1.3) */
		policy->sn = (gikev2_transform_t){
			.present = TRUE,
			.id = GIKEV2_SN_32BIT_UNSPECIFIED,
		};
		policy->has_lifetime = TRUE;
		policy->lifetime = tek->get_remaining(tek, now);
		gsa->add_policy(gsa, policy);
		ok = add_bag(kd, GIKEV2_PROTO_ESP, chunk_from_thing(tek->spi), kwa,
					 kwk, tek->keymat, err);
	}
	enumerator->destroy(enumerator);
	/* the authentication method is announced at registration only
	 * (RFC 9838 4.4.2.1.1); a rekey has no member key bag */
	if (ok && kek_policy && (exchange == GIKEV2_GSA_AUTH ||
							 exchange == GIKEV2_GSA_REGISTRATION))
	{
		ok = add_auth(kd, kek_policy, kek, err);
	}

	*gsa_body = *kd_body = chunk_empty;
	if (ok && gsa->encode(gsa, exchange, gsa_body, err) &&
		kd->encode(kd, exchange, kd_body, err))
	{
		gsa->destroy(gsa);
		kd->destroy(kd);
		return TRUE;
	}
	chunk_free(gsa_body);
	chunk_clear(kd_body);
	gsa->destroy(gsa);
	kd->destroy(kd);
	return FALSE;
}

/**
 * Unwrap the SA key of a policy, of the size the policy needs
 */
static bool unwrap_key(gikev2_kd_t *kd, gikev2_policy_t *policy,
					   gikev2_kwa_t kwa, chunk_t kwk, chunk_t *keymat,
					   gikev2_err_t *err)
{
	gikev2_wrapped_key_t key;
	gikev2_key_bag_t *bag;
	size_t size;

	bag = kd->get_group_bag(kd, policy->protocol, policy->spi);
	if (!bag)
	{
		gikev2_err_set(err, "KD has no key bag for the %N policy with SPI "
					   "%#B", gikev2_protocol_names, policy->protocol,
					   &policy->spi);
		return FALSE;
	}
	if (array_count(bag->sa_keys) != 1 ||
		!array_get(bag->sa_keys, ARRAY_HEAD, &key))
	{
		gikev2_err_set(err, "key bag for SPI %#B holds %u SA keys, 1 expected",
					   &policy->spi, array_count(bag->sa_keys));
		return FALSE;
	}
	if (!gikev2_key_unwrap(kwa, kwk, key.data, keymat, err))
	{
		return FALSE;
	}
	if (!gikev2_policy_keymat_size(policy, &size) || size != keymat->len)
	{
		gikev2_err_set(err, "SA_KEY for SPI %#B has %zu octets, its policy "
					   "needs %zu", &policy->spi, keymat->len, size);
		chunk_clear(keymat);
		return FALSE;
	}
	return TRUE;
}

/**
 * Integrity algorithm of a policy, AUTH_UNDEFINED for none
 */
static uint16_t integ_alg(gikev2_policy_t *policy)
{
	if (!policy->integ.present || policy->integ.id == 0)
	{
		return AUTH_UNDEFINED;
	}
	return policy->integ.id;
}

/**
 * Set the authentication key and scheme of the GCAUTH transform and the
 * AUTH_KEY attribute on a KEK received at registration
 */
static bool decode_auth(gikev2_gsa_t *gsa, gikev2_kd_t *kd, gdoi_kek_t *kek,
						gikev2_err_t *err)
{
	signature_params_t scheme = {};
	gikev2_policy_t *policy;
	gikev2_key_bag_t *bag;
	chunk_t auth_key = chunk_empty;
	public_key_t *key;
	key_type_t type;

	policy = gsa->get_kek(gsa);
	bag = kd->get_member_bag(kd);
	if (bag)
	{
		auth_key = bag->auth_key;
	}
	if (!kek)
	{
		if (auth_key.len)
		{
			gikev2_err_set(err, "KD AUTH_KEY without a KEK policy");
			return FALSE;
		}
		return TRUE;
	}
	/* no GCAUTH transform: implicit */
	if (!policy->gcauth.present ||
		policy->gcauth.id == GIKEV2_GCAUTH_IMPLICIT)
	{
		if (auth_key.len)
		{
			gikev2_err_set(err, "KD AUTH_KEY with implicit authentication");
			return FALSE;
		}
		return TRUE;
	}
	if (policy->gcauth.id != GIKEV2_GCAUTH_DIGITAL_SIGNATURE)
	{
		gikev2_err_set(err, "GSA GCAUTH transform %N not supported",
					   gikev2_gcauth_names, policy->gcauth.id);
		return FALSE;
	}
	if (!auth_key.len)
	{
		gikev2_err_set(err, "KD misses the AUTH_KEY of GCAUTH "
					   "DIGITAL_SIGNATURE");
		return FALSE;
	}
	if (!signature_params_parse(policy->gcauth.sig_alg, 0, &scheme))
	{
		gikev2_err_set(err, "GSA GCAUTH Signature Algorithm Identifier not "
					   "supported");
		return FALSE;
	}
	key = lib->creds->create(lib->creds, CRED_PUBLIC_KEY, KEY_ANY,
							 BUILD_BLOB_ASN1_DER, auth_key, BUILD_END);
	if (!key)
	{
		gikev2_err_set(err, "KD AUTH_KEY is not a supported "
					   "SubjectPublicKeyInfo");
		signature_params_clear(&scheme);
		return FALSE;
	}
	type = key_type_from_signature_scheme(scheme.scheme);
	if (key->get_type(key) != type)
	{
		gikev2_err_set(err, "KD AUTH_KEY is an %N key, the signature scheme "
					   "%N needs %N", key_type_names, key->get_type(key),
					   signature_scheme_names, scheme.scheme, key_type_names,
					   type);
		key->destroy(key);
		signature_params_clear(&scheme);
		return FALSE;
	}
	kek->set_auth(kek, key, &scheme);
	key->destroy(key);
	signature_params_clear(&scheme);
	return TRUE;
}

/*
 * Described in header
 */
bool gikev2_registration_decode(chunk_t gsa_body, chunk_t kd_body,
								gikev2_exchange_t exchange, gikev2_kwa_t kwa,
								chunk_t kwk, linked_list_t **teks_out,
								gdoi_kek_t **kek_out, gikev2_err_t *err)
{
	enumerator_t *enumerator;
	gikev2_policy_t *policy;
	linked_list_t *teks;
	gikev2_gsa_t *gsa;
	gikev2_kd_t *kd = NULL;
	gdoi_kek_t *kek = NULL;
	gdoi_tek_t *tek;
	chunk_t keymat;
	uint32_t spi;
	bool ok = TRUE;

	gsa = gikev2_gsa_decode(gsa_body, exchange, err);
	if (gsa)
	{
		kd = gikev2_kd_decode(kd_body, exchange, err);
	}
	if (!gsa || !kd)
	{
		DESTROY_IF(gsa);
		return FALSE;
	}
	teks = linked_list_create();
	enumerator = gsa->create_policy_enumerator(gsa);
	while (ok && enumerator->enumerate(enumerator, &policy))
	{
		if (policy->protocol == GIKEV2_PROTO_AH)
		{
			gikev2_err_set(err, "AH policies are not supported");
			ok = FALSE;
			break;
		}
		if (!unwrap_key(kd, policy, kwa, kwk, &keymat, err))
		{
			ok = FALSE;
			break;
		}
		if (policy->protocol == GIKEV2_PROTO_GIKE_UPDATE)
		{
			kek = gdoi_kek_create(policy->spi, policy->encr.id,
								  policy->encr.key_length, integ_alg(policy),
								  policy->kwa.id,
								  gikev2_kwa_key_size(policy->kwa.id), keymat,
								  policy->src, policy->dst, policy->lifetime);
			ok = kek != NULL;
		}
		else
		{
			memcpy(&spi, policy->spi.ptr, sizeof(spi));
			tek = gdoi_tek_create(spi, policy->encr.id,
								  policy->encr.key_length, integ_alg(policy),
								  keymat, policy->src, policy->dst,
								  policy->lifetime);
			if (tek)
			{
				teks->insert_last(teks, tek);
			}
			ok = tek != NULL;
		}
		chunk_clear(&keymat);
		if (!ok)
		{
			gikev2_err_set(err, "the keys of the %N policy with SPI %#B do not "
						   "fit its algorithms", gikev2_protocol_names,
						   policy->protocol, &policy->spi);
		}
	}
	enumerator->destroy(enumerator);
	ok = ok && decode_auth(gsa, kd, kek, err);
	gsa->destroy(gsa);
	kd->destroy(kd);
	if (!ok)
	{
		teks->destroy_offset(teks, offsetof(gdoi_tek_t, destroy));
		DESTROY_IF(kek);
		return FALSE;
	}
	*teks_out = teks;
	*kek_out = kek;
	return TRUE;
}

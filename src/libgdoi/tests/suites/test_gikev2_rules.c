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

#include <test_suite.h>

#include <gikev2_rules.h>
#include <gikev2_payload.h>

#include <encoding/message.h>
#include <encoding/message_rules.h>
#include <encoding/payloads/delete_payload.h>
#include <encoding/payloads/notify_payload.h>
#include <sa/keymat.h>
#include <daemon.h>

/**
 * A keymat that only protects messages, with AES-GCM and a fixed key
 */
typedef struct {
	keymat_t public;
	aead_t *aead;
} test_keymat_t;

METHOD(keymat_t, get_version, ike_version_t,
	test_keymat_t *this)
{
	return IKEV2;
}

METHOD(keymat_t, get_aead, aead_t*,
	test_keymat_t *this, bool in)
{
	return this->aead;
}

METHOD(keymat_t, destroy, void,
	test_keymat_t *this)
{
	this->aead->destroy(this->aead);
	free(this);
}

static keymat_t *keymat;

/** Message ID of the next message: the AEAD's IVs derive from it */
static uint32_t mid;

START_SETUP(setup)
{
	test_keymat_t *this;
	char key[36] = { 0x42 };

	INIT(this,
		.public = {
			.get_version = _get_version,
			.get_aead = _get_aead,
			.destroy = _destroy,
		},
		.aead = lib->crypto->create_aead(lib->crypto, ENCR_AES_GCM_ICV16, 32,
										 4),
	);
	ck_assert(this->aead);
	ck_assert(this->aead->set_key(this->aead, chunk_from_thing(key)));
	keymat = &this->public;
	/* the message code logs over charon's bus; this also makes the rule
	 * registry */
	ck_assert(libcharon_init());
	gikev2_rules_register();
}
END_SETUP

START_TEARDOWN(teardown)
{
	gikev2_rules_unregister();
	libcharon_deinit();
	keymat->destroy(keymat);
}
END_TEARDOWN

/**
 * Create a message of the exchange between two IKE SPIs
 */
static message_t *create_message(exchange_type_t exchange, bool request)
{
	ike_sa_id_t *id;
	message_t *message;

	id = ike_sa_id_create(IKEV2_MAJOR_VERSION, 0x0102030405060708,
						  0x1112131415161718, FALSE);
	message = message_create(IKEV2_MAJOR_VERSION, IKEV2_MINOR_VERSION);
	message->set_exchange_type(message, exchange);
	message->set_request(message, request);
	message->set_message_id(message, mid++);
	message->set_ike_sa_id(message, id);
	message->set_source(message, host_create_from_string("192.0.2.1", 500));
	message->set_destination(message,
							 host_create_from_string("192.0.2.2", 500));
	id->destroy(id);
	return message;
}

/**
 * Generate a message and parse it again, the status of the parser
 */
static status_t round_trip(message_t *message, message_t **parsed)
{
	packet_t *packet;
	status_t status;

	*parsed = NULL;
	if (message->generate(message, keymat, &packet) != SUCCESS)
	{
		message->destroy(message);
		return FAILED;
	}
	message->destroy(message);
	*parsed = message_create_from_packet(packet);
	status = (*parsed)->parse_header(*parsed);
	if (status == SUCCESS)
	{
		status = (*parsed)->parse_body(*parsed, keymat);
	}
	return status;
}

/**
 * Count the payloads of a type in a message
 */
static int count_payloads(message_t *message, payload_type_t type)
{
	enumerator_t *enumerator;
	payload_t *payload;
	int count = 0;

	enumerator = message->create_payload_enumerator(message);
	while (enumerator->enumerate(enumerator, &payload))
	{
		if (payload->get_type(payload) == type)
		{
			count++;
		}
	}
	enumerator->destroy(enumerator);
	return count;
}

/**
 * Count the G-IKEv2 payloads of a type in a message
 */
static int count_gikev2(message_t *message, gikev2_payload_type_t type)
{
	enumerator_t *enumerator;
	payload_t *payload;
	chunk_t body;
	int count = 0;

	enumerator = message->create_payload_enumerator(message);
	while (enumerator->enumerate(enumerator, &payload))
	{
		if (gikev2_payload_get_body(payload, type, &body))
		{
			count++;
		}
	}
	enumerator->destroy(enumerator);
	return count;
}

/**
 * The payload types of a parsed message, in order
 */
static void assert_order(message_t *message, payload_type_t *types, int count)
{
	enumerator_t *enumerator;
	payload_t *payload;
	int i = 0;

	enumerator = message->create_payload_enumerator(message);
	while (enumerator->enumerate(enumerator, &payload))
	{
		ck_assert(i < count);
		ck_assert_int_eq(payload_get_wire_type(payload), types[i++]);
	}
	enumerator->destroy(enumerator);
	ck_assert_int_eq(i, count);
}

/**
 * Add a Delete payload for an ESP SPI
 */
static void add_delete(message_t *message, uint32_t spi)
{
	delete_payload_t *del;

	del = delete_payload_create(PLV2_DELETE, PROTO_ESP);
	del->add_spi(del, htonl(spi));
	message->add_payload(message, &del->payload_interface);
}

START_TEST(test_inband_rekey_request)
{
	payload_type_t order[] = { PLV2_GSA, PLV2_KD, PLV2_DELETE, PLV2_NOTIFY };
	message_t *message, *parsed;

	/* N, D, KD, GSA are sent as GSA, KD, D, N */
	message = create_message(GIKEV2_GSA_INBAND_REKEY, TRUE);
	message->add_notify(message, FALSE, INITIAL_CONTACT, chunk_empty);
	add_delete(message, 0x01020304);
	message->add_payload(message, &gikev2_payload_create(GIKEV2_PL_KD,
					chunk_clone(chunk_from_str("kd")))->payload_interface);
	message->add_payload(message, &gikev2_payload_create(GIKEV2_PL_GSA,
					chunk_clone(chunk_from_str("gsa")))->payload_interface);
	ck_assert_int_eq(round_trip(message, &parsed), SUCCESS);
	ck_assert_int_eq(parsed->get_exchange_type(parsed),
					 GIKEV2_GSA_INBAND_REKEY);
	ck_assert(parsed->get_request(parsed));
	ck_assert_int_eq(count_gikev2(parsed, GIKEV2_PL_GSA), 1);
	ck_assert_int_eq(count_gikev2(parsed, GIKEV2_PL_KD), 1);
	assert_order(parsed, order, countof(order));
	parsed->destroy(parsed);

	/* D, D */
	message = create_message(GIKEV2_GSA_INBAND_REKEY, TRUE);
	add_delete(message, 0x01020304);
	add_delete(message, 0);
	ck_assert_int_eq(round_trip(message, &parsed), SUCCESS);
	ck_assert_int_eq(count_payloads(parsed, PLV2_DELETE), 2);
	parsed->destroy(parsed);
}
END_TEST

START_TEST(test_inband_rekey_response)
{
	message_t *message, *parsed;

	/* empty: the acknowledgement */
	message = create_message(GIKEV2_GSA_INBAND_REKEY, FALSE);
	ck_assert_int_eq(round_trip(message, &parsed), SUCCESS);
	ck_assert(!parsed->get_request(parsed));
	ck_assert_int_eq(parsed->get_first_payload_type(parsed), PLV2_ENCRYPTED);
	assert_order(parsed, NULL, 0);
	parsed->destroy(parsed);

	/* an error notify */
	message = create_message(GIKEV2_GSA_INBAND_REKEY, FALSE);
	message->add_notify(message, FALSE, INVALID_SYNTAX, chunk_empty);
	ck_assert_int_eq(round_trip(message, &parsed), SUCCESS);
	ck_assert_int_eq(count_payloads(parsed, PLV2_NOTIFY), 1);
	parsed->destroy(parsed);
}
END_TEST

START_TEST(test_inband_rekey_refused)
{
	message_t *message, *parsed;
	int i;

	/* G-IKEv2 payloads arrive as unknown payloads: the rules cannot count
	 * them one by one (the task has to), only all of them together */
	message = create_message(GIKEV2_GSA_INBAND_REKEY, TRUE);
	for (i = 0; i < 2; i++)
	{
		message->add_payload(message, &gikev2_payload_create(GIKEV2_PL_GSA,
					chunk_clone(chunk_from_str("gsa")))->payload_interface);
	}
	ck_assert_int_eq(round_trip(message, &parsed), SUCCESS);
	ck_assert_int_eq(count_gikev2(parsed, GIKEV2_PL_GSA), 2);
	parsed->destroy(parsed);
	message = create_message(GIKEV2_GSA_INBAND_REKEY, TRUE);
	for (i = 0; i < 6; i++)
	{
		message->add_payload(message, &gikev2_payload_create(GIKEV2_PL_KD,
					chunk_clone(chunk_from_str("kd")))->payload_interface);
	}
	ck_assert_int_eq(round_trip(message, &parsed), VERIFY_ERROR);
	DESTROY_IF(parsed);

	/* more Delete payloads than charon accepts elsewhere */
	message = create_message(GIKEV2_GSA_INBAND_REKEY, TRUE);
	for (i = 0; i < 21; i++)
	{
		add_delete(message, i);
	}
	ck_assert_int_eq(round_trip(message, &parsed), VERIFY_ERROR);
	DESTROY_IF(parsed);

	/* without the rules, the exchange type is unknown */
	gikev2_rules_unregister();
	message = create_message(GIKEV2_GSA_INBAND_REKEY, FALSE);
	ck_assert_int_eq(round_trip(message, &parsed), FAILED);
	ck_assert(!parsed);
	gikev2_rules_register();
}
END_TEST

Suite *gikev2_rules_suite_create()
{
	Suite *s;
	TCase *tc;

	s = suite_create("gikev2 rules");

	tc = tcase_create("GSA_INBAND_REKEY");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_inband_rekey_request);
	tcase_add_test(tc, test_inband_rekey_response);
	tcase_add_test(tc, test_inband_rekey_refused);
	suite_add_tcase(s, tc);

	return s;
}

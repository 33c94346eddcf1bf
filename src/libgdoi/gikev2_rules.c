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

#include "gikev2_rules.h"
#include "gikev2_types.h"

#include <encoding/message_rules.h>

/** limits of repeated payloads, as charon's own rules */
#define MAX_NOTIFY 20
#define MAX_CERT 8
#define MAX_CERTREQ 20
#define MAX_VID 20
#define MAX_UNKNOWN 5
#define MAX_DELETE 20

/**
 * GSA_AUTH from the member: IDi, [CERT,] [CERTREQ,] [IDr,] AUTH, IDg,
 * [SAg,] [N(GROUP_SENDER),] [N]; EAP rounds as in IKE_AUTH
 */
static payload_rule_t gsa_auth_i_rules[] = {
/*	payload type					min	max				encr	suff */
	{PLV2_FRAGMENT,					0,	1,				TRUE,	TRUE},
	{PLV2_NOTIFY,					0,	MAX_NOTIFY,		TRUE,	FALSE},
	{PLV2_EAP,						0,	1,				TRUE,	TRUE},
	{PLV2_AUTH,						0,	1,				TRUE,	TRUE},
	{PLV2_ID_INITIATOR,				0,	1,				TRUE,	FALSE},
	{PLV2_CERTIFICATE,				0,	MAX_CERT,		TRUE,	FALSE},
	{PLV2_CERTREQ,					0,	MAX_CERTREQ,	TRUE,	FALSE},
	{PLV2_ID_RESPONDER,				0,	1,				TRUE,	FALSE},
	{PLV2_IDG,						0,	1,				TRUE,	FALSE},
	{PLV2_SECURITY_ASSOCIATION,		0,	1,				TRUE,	FALSE},
	{PLV2_VENDOR_ID,				0,	MAX_VID,		TRUE,	FALSE},
	{PL_UNKNOWN,					0,	MAX_UNKNOWN,	TRUE,	FALSE},
};

static payload_order_t gsa_auth_i_order[] = {
/*	payload type					notify type */
	{PLV2_ID_INITIATOR,				0},
	{PLV2_CERTIFICATE,				0},
	{PLV2_NOTIFY,					INITIAL_CONTACT},
	{PLV2_CERTREQ,					0},
	{PLV2_ID_RESPONDER,				0},
	{PLV2_AUTH,						0},
	{PLV2_EAP,						0},
	{PLV2_IDG,						0},
	{PLV2_SECURITY_ASSOCIATION,		0},
	{PLV2_NOTIFY,					0},
	{PLV2_VENDOR_ID,				0},
	{PLV2_FRAGMENT,					0},
};

/**
 * GSA_AUTH from the key server: IDr, [CERT,] AUTH, GSA, KD, [N], or
 * IDr, [CERT,] AUTH, N on errors
 */
static payload_rule_t gsa_auth_r_rules[] = {
/*	payload type					min	max				encr	suff */
	{PLV2_FRAGMENT,					0,	1,				TRUE,	TRUE},
	{PLV2_NOTIFY,					0,	MAX_NOTIFY,		TRUE,	TRUE},
	{PLV2_EAP,						0,	1,				TRUE,	TRUE},
	{PLV2_AUTH,						0,	1,				TRUE,	TRUE},
	{PLV2_ID_RESPONDER,				0,	1,				TRUE,	FALSE},
	{PLV2_CERTIFICATE,				0,	MAX_CERT,		TRUE,	FALSE},
	{PLV2_GSA,						0,	1,				TRUE,	FALSE},
	{PLV2_KD,						0,	1,				TRUE,	FALSE},
	{PLV2_VENDOR_ID,				0,	MAX_VID,		TRUE,	FALSE},
	{PL_UNKNOWN,					0,	MAX_UNKNOWN,	TRUE,	FALSE},
};

static payload_order_t gsa_auth_r_order[] = {
/*	payload type					notify type */
	{PLV2_ID_RESPONDER,				0},
	{PLV2_CERTIFICATE,				0},
	{PLV2_AUTH,						0},
	{PLV2_EAP,						0},
	{PLV2_GSA,						0},
	{PLV2_KD,						0},
	{PLV2_NOTIFY,					0},
	{PLV2_VENDOR_ID,				0},
	{PLV2_FRAGMENT,					0},
};

/**
 * GSA_REGISTRATION from the member: IDg, [SAg,] [N(GROUP_SENDER),] [N]
 */
static payload_rule_t gsa_registration_i_rules[] = {
/*	payload type					min	max				encr	suff */
	{PLV2_FRAGMENT,					0,	1,				TRUE,	TRUE},
	{PLV2_NOTIFY,					0,	MAX_NOTIFY,		TRUE,	FALSE},
	{PLV2_IDG,						0,	1,				TRUE,	FALSE},
	{PLV2_SECURITY_ASSOCIATION,		0,	1,				TRUE,	FALSE},
	{PLV2_VENDOR_ID,				0,	MAX_VID,		TRUE,	FALSE},
	{PL_UNKNOWN,					0,	MAX_UNKNOWN,	TRUE,	FALSE},
};

static payload_order_t gsa_registration_i_order[] = {
/*	payload type					notify type */
	{PLV2_IDG,						0},
	{PLV2_SECURITY_ASSOCIATION,		0},
	{PLV2_NOTIFY,					0},
	{PLV2_VENDOR_ID,				0},
	{PLV2_FRAGMENT,					0},
};

/**
 * GSA_REGISTRATION from the key server: GSA, KD, [N] or N
 */
static payload_rule_t gsa_registration_r_rules[] = {
/*	payload type					min	max				encr	suff */
	{PLV2_FRAGMENT,					0,	1,				TRUE,	TRUE},
	{PLV2_NOTIFY,					0,	MAX_NOTIFY,		TRUE,	FALSE},
	{PLV2_GSA,						0,	1,				TRUE,	FALSE},
	{PLV2_KD,						0,	1,				TRUE,	FALSE},
	{PLV2_VENDOR_ID,				0,	MAX_VID,		TRUE,	FALSE},
	{PL_UNKNOWN,					0,	MAX_UNKNOWN,	TRUE,	FALSE},
};

static payload_order_t gsa_registration_r_order[] = {
/*	payload type					notify type */
	{PLV2_GSA,						0},
	{PLV2_KD,						0},
	{PLV2_NOTIFY,					0},
	{PLV2_VENDOR_ID,				0},
	{PLV2_FRAGMENT,					0},
};

/**
 * GSA_INBAND_REKEY from the key server: GSA, KD, [N] or D, [N] (RFC 9838
 * 2.4.2, 2.4.3), over the registration IKE SA
 */
static payload_rule_t gsa_inband_rekey_i_rules[] = {
/*	payload type					min	max				encr	suff */
	{PLV2_FRAGMENT,					0,	1,				TRUE,	TRUE},
	{PLV2_GSA,						0,	1,				TRUE,	FALSE},
	{PLV2_KD,						0,	1,				TRUE,	FALSE},
	{PLV2_DELETE,					0,	MAX_DELETE,		TRUE,	FALSE},
	{PLV2_NOTIFY,					0,	MAX_NOTIFY,		TRUE,	FALSE},
	{PLV2_VENDOR_ID,				0,	MAX_VID,		TRUE,	FALSE},
	{PL_UNKNOWN,					0,	MAX_UNKNOWN,	TRUE,	FALSE},
};

static payload_order_t gsa_inband_rekey_i_order[] = {
/*	payload type					notify type */
	{PLV2_GSA,						0},
	{PLV2_KD,						0},
	{PLV2_DELETE,					0},
	{PLV2_NOTIFY,					0},
	{PLV2_VENDOR_ID,				0},
	{PLV2_FRAGMENT,					0},
};

/**
 * GSA_INBAND_REKEY from the member: empty, or N on errors
 */
static payload_rule_t gsa_inband_rekey_r_rules[] = {
/*	payload type					min	max				encr	suff */
	{PLV2_FRAGMENT,					0,	1,				TRUE,	TRUE},
	{PLV2_NOTIFY,					0,	MAX_NOTIFY,		TRUE,	FALSE},
	{PLV2_VENDOR_ID,				0,	MAX_VID,		TRUE,	FALSE},
	{PL_UNKNOWN,					0,	MAX_UNKNOWN,	TRUE,	FALSE},
};

static payload_order_t gsa_inband_rekey_r_order[] = {
/*	payload type					notify type */
	{PLV2_NOTIFY,					0},
	{PLV2_VENDOR_ID,				0},
	{PLV2_FRAGMENT,					0},
};

/**
 * The rules, registered as one array
 */
static message_rule_t rules[] = {
	{(exchange_type_t)GIKEV2_GSA_AUTH, TRUE, TRUE,
		countof(gsa_auth_i_rules), gsa_auth_i_rules,
		countof(gsa_auth_i_order), gsa_auth_i_order,
	},
	{(exchange_type_t)GIKEV2_GSA_AUTH, FALSE, TRUE,
		countof(gsa_auth_r_rules), gsa_auth_r_rules,
		countof(gsa_auth_r_order), gsa_auth_r_order,
	},
	{(exchange_type_t)GIKEV2_GSA_REGISTRATION, TRUE, TRUE,
		countof(gsa_registration_i_rules), gsa_registration_i_rules,
		countof(gsa_registration_i_order), gsa_registration_i_order,
	},
	{(exchange_type_t)GIKEV2_GSA_REGISTRATION, FALSE, TRUE,
		countof(gsa_registration_r_rules), gsa_registration_r_rules,
		countof(gsa_registration_r_order), gsa_registration_r_order,
	},
	{(exchange_type_t)GIKEV2_GSA_INBAND_REKEY, TRUE, TRUE,
		countof(gsa_inband_rekey_i_rules), gsa_inband_rekey_i_rules,
		countof(gsa_inband_rekey_i_order), gsa_inband_rekey_i_order,
	},
	{(exchange_type_t)GIKEV2_GSA_INBAND_REKEY, FALSE, TRUE,
		countof(gsa_inband_rekey_r_rules), gsa_inband_rekey_r_rules,
		countof(gsa_inband_rekey_r_order), gsa_inband_rekey_r_order,
	},
};

/**
 * Registrations of the rules; plugins are loaded and unloaded one at a time
 */
static refcount_t registered;

/*
 * Described in header
 */
void gikev2_rules_register()
{
	if (ref_get(&registered) == 1)
	{
		message_register_rules(rules, countof(rules));
	}
}

/*
 * Described in header
 */
void gikev2_rules_unregister()
{
	if (registered && ref_put(&registered))
	{
		message_unregister_rules(rules);
	}
}

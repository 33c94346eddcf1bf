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

/**
 * @defgroup gikev2_rules gikev2_rules
 * @{ @ingroup libgdoi
 *
 * Message rules of the G-IKEv2 exchanges GSA_AUTH (39), GSA_REGISTRATION
 * (40), RFC 9838 2.3, and GSA_INBAND_REKEY (42), 2.4.2, registered with
 * charon's message rule registry so that it can generate and parse them.
 * GSA_REKEY (41) is no IKE SA exchange: gikev2_rekey.h builds and opens it.
 *
 * GSA_INBAND_REKEY is initiated by the key server over the member's IKE SA:
 * the request carries GSA, KD, Delete and Notify payloads (each optional
 * here, the tasks check what they need), the response Notify payloads or
 * nothing.
 *
 * GSA_AUTH runs on charon's IKE_AUTH tasks: a listener gives outgoing
 * IKE_AUTH messages of a registration the GSA_AUTH type and incoming
 * GSA_AUTH messages the IKE_AUTH type before they are parsed, so that the
 * rules of GSA_AUTH are used when generating. IDg, GSA and KD are parsed as
 * unknown payloads, which the IKE_AUTH and these rules admit.
 *
 * Both plugins register the rules; the registration is counted, so that
 * the rules stay until the last plugin unregisters them.
 */

#ifndef GIKEV2_RULES_H_
#define GIKEV2_RULES_H_

#include <library.h>

/**
 * Register the rules (counted).
 */
void gikev2_rules_register();

/**
 * Unregister the rules (counted).
 */
void gikev2_rules_unregister();

#endif /** GIKEV2_RULES_H_ @}*/

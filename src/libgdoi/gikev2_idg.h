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
 * @defgroup gikev2_idg gikev2_idg
 * @{ @ingroup libgdoi
 *
 * Codec of the Group Identification payload body (IDg, RFC 9838 4.2).
 *
 * The body is that of an IKEv2 ID payload (RFC 7296 3.5): ID Type (1),
 * RESERVED (3), Identification Data. RFC 9838 allows ID_KEY_ID (MUST),
 * ID_IPV4_ADDR, ID_FQDN, ID_RFC822_ADDR and ID_IPV6_ADDR (SHOULD); the DN
 * and GN types "are not expected to be used" and are refused here, as is
 * every other type.
 */

#ifndef GIKEV2_IDG_H_
#define GIKEV2_IDG_H_

#include "gikev2_types.h"

#include <utils/identification.h>

/**
 * Encode the body of an IDg payload.
 *
 * @param id		group identity, of an allowed type with non-empty data
 * @param body		receives the allocated body
 * @return			FALSE if the identity cannot be an IDg
 */
bool gikev2_idg_encode(identification_t *id, chunk_t *body);

/**
 * Decode the body of an IDg payload.
 *
 * @param body		payload body, after the generic payload header
 * @param err		receives the reason on failure, may be NULL
 * @return			group identity (to destroy), NULL on error
 */
identification_t *gikev2_idg_decode(chunk_t body, gikev2_err_t *err);

#endif /** GIKEV2_IDG_H_ @}*/

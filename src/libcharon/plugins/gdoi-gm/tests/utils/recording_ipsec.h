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
 * @defgroup recording_ipsec recording_ipsec
 * @{ @ingroup gdoi_gm
 *
 * A kernel_ipsec_t for tests that records every SA and policy it is handed
 * as one line of text, and can be told to fail a call.
 */

#ifndef RECORDING_IPSEC_H_
#define RECORDING_IPSEC_H_

#include <kernel/kernel_ipsec.h>

/**
 * Create the recorder (the kernel interface's constructor).
 *
 * @return			kernel_ipsec_t
 */
kernel_ipsec_t *recording_ipsec_create();

/**
 * Take the lines recorded so far, joined by newlines, and start over.
 *
 * @return			recorded lines (allocated)
 */
char *recording_ipsec_take();

/**
 * Let the n-th add_sa or add_policy call from now fail (1 = the next one),
 * 0 for none.
 *
 * @param n			call to fail
 */
void recording_ipsec_fail(int n);

#endif /** RECORDING_IPSEC_H_ @}*/

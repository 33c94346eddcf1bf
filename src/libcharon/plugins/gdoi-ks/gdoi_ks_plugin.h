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
 * @defgroup gdoi_ks gdoi_ks
 * @ingroup cplugins
 *
 * @defgroup gdoi_ks_plugin gdoi_ks_plugin
 * @{ @ingroup gdoi_ks
 */

#ifndef GDOI_KS_PLUGIN_H_
#define GDOI_KS_PLUGIN_H_

#include <plugins/plugin.h>

typedef struct gdoi_ks_plugin_t gdoi_ks_plugin_t;

/**
 * G-IKEv2/GDOI group key server (GCKS) plugin.
 */
struct gdoi_ks_plugin_t {

	/**
	 * Implements plugin interface.
	 */
	plugin_t plugin;
};

#endif /** GDOI_KS_PLUGIN_H_ @}*/
